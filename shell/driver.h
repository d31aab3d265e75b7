// driver.h - when a Session trains: on a trainer thread or in slices of each frame, behind one
// command queue.
//
// The UI (and the page's window.ganvas) never touches the model: it submit()s SessionCommands,
// and the Driver applies them in order in one place (apply_pending), where the trainer thread,
// if any, is parked, its finished work collected, the commands applied, and training resumed if
// the session still runs. Two ways to train, chosen at run time (TrainerThread::available()):
//   trainer thread  (natively, the page's threaded build) the model is the trainer's while it
//                   runs; each frame only collects finished iterations and asks for samples;
//   frame slices    (the one-thread page) each frame trains for a bounded slice of time in
//                   quarter steps (Gan::train_part), so the tab stays responsive.
// Both give the same bits for the same commands (tests/test_session.cpp).
//
// Frame budget (slices): steps run while the next part is expected to end within the slice
// (the part time is tracked), so a 60 Hz page keeps ~4 ms for drawing and the browser. A frame
// trains at least one part unless it refreshed the grid and parts would fit the slice. When the
// rest of the frame is slow anyway (software WebGL, a busy compositor), the main thread would
// sit idle waiting for the next frame, so the slice grows with the rest of the frame beyond one
// display refresh (kVsyncAllowanceSeconds: up to that the browser may just be waiting for vsync)
// until compute takes kTrainFrameShare of it, at most kMaxTrainSliceSeconds. Only time outside
// the compute counts, so slow steps never grow their own budget. Quarter steps (~5 ms in wasm)
// fill a 12 ms slice closely. kTrainFrameShare 0.8: where drawing is slow anyway, training gets
// 4x the slowness beyond vsync; on a real GPU nothing is slow and the slice stays at its
// minimum. (The measurements behind these numbers: README, "A smooth page".)
//
// Frame times: status() reports the median and 95th percentile of the last kFrameWindow frame
// intervals (the time between the starts of consecutive frames, what a viewer sees), and of the
// frame work (what the platform measures around events, frame() and present).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "base/status.h"
#include "session.h"
#include "trainer_thread.h"

namespace ganvas {

constexpr double kTrainSliceSeconds = 0.012;
constexpr double kTrainFrameShare = 0.8;
constexpr double kMaxTrainSliceSeconds = 0.1;
constexpr double kVsyncAllowanceSeconds = 1.0 / 60;
// Frames the frame-time percentiles are taken over (~2 s at 60 Hz).
constexpr int kFrameWindow = 120;
// How often the sample grid is regenerated while training.
constexpr double kPreviewIntervalSeconds = 0.25;
// A link's rebuild (command::OpenLink) trains at full speed: no grid refreshes, and in frame
// slices at least this much per frame (the page shows a progress bar; frames still draw).
constexpr double kRebuildSliceSeconds = 0.05;

// Seconds since some fixed origin. Injectable so tests can run the scheduler on a fake clock.
using DriverClock = std::function<double()>;
DriverClock driver_steady_clock();

// The last kFrameWindow durations in a fixed ring: adding one never allocates.
class FrameTimes {
public:
    void add(double ms);
    int count() const { return count_; }
    // The q-quantile (0 < q <= 1) by nearest rank: the smallest stored time with at least
    // q * count() times at or below it. 0 when empty.
    double quantile(double q) const;

private:
    std::array<float, kFrameWindow> ms_{};
    int next_ = 0, count_ = 0;
};

enum class DriverMode {
    Auto,           // a trainer thread where the build has threads, else frame slices
    TrainerThread,  // needs TrainerThread::available()
    FrameSlices,
};

struct DriverStatus {
    bool trainer_thread = false;  // training runs on its own thread (else in frame slices)
    double iters_per_sec = 0;     // measured over the last second of training
    double train_slice_ms = 0;    // compute budget of the current frame (0 on a trainer thread)
    double frame_ms = 0;          // recent interval between frames (smoothed)
    // Over the last kFrameWindow frames: interval between frame starts, and the frame's own work.
    double frame_ms_median = 0, frame_ms_p95 = 0;
    double frame_work_ms_median = 0, frame_work_ms_p95 = 0;
};

class Driver {
public:
    // `session` must outlive the Driver. min_slice_seconds: the smallest frame slice.
    explicit Driver(Session& session, DriverMode mode = DriverMode::Auto, DriverClock clock = driver_steady_clock(),
                    double min_slice_seconds = kTrainSliceSeconds);
    ~Driver();  // stops the trainer thread before the session goes
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;

    // Queues a command; it takes effect at the next apply_pending() (or frame()).
    void submit(SessionCommand command);
    // Applies every queued command in order: parks the trainer and collects its work once,
    // applies them, resumes if the session runs. Returns the first failure (else ok).
    Status apply_pending();
    // submit() + apply_pending(): for callers that need the outcome now (window.ganvas).
    Status run(SessionCommand command);

    // One frame's work: queued commands, then training (collect, or a slice), the sample grid
    // when it is due, and the iteration rate. Call once per frame, before drawing.
    void frame();
    // The whole frame's work time (events, frame(), drawing, present), measured by the platform.
    void record_frame_work(double seconds);

    // Trains parts while the next one is expected to end within `seconds` (with must_step, at
    // least one). Returns the parts trained. Frame slices only; frame() calls it.
    int train_slice(double seconds, bool must_step);

    DriverStatus status() const;
    bool trainer_thread() const { return trainer_ != nullptr; }

private:
    void park_and_collect();   // the one place the UI thread takes the model back
    void resume_if_running();  // and the one place it hands it over again
    void collect();            // the trainer's news: iterations, step, samples
    void attach_after_rollback();  // the session rolled the model back: the trainer starts afresh
    void update_rate(double now);
    // With the grid refresh: asks the session for a state snapshot every kSnapshotIntervalSeconds
    // (session.h, "Divergence").
    void want_state_snapshot(double now);

    Session& session_;
    DriverClock clock_;
    double min_slice_seconds_;
    std::vector<SessionCommand> queue_;

    bool was_running_ = false;
    double iters_per_sec_ = 0;
    double rate_start_ = 0;
    int64_t rate_start_step_ = 0;
    double last_frame_ = 0;
    bool have_last_frame_ = false;
    double frame_seconds_ = 1.0 / 60;  // smoothed interval between frames
    double rest_seconds_ = 1.0 / 60;   // smoothed part of that interval outside the frame's compute
    double compute_seconds_ = 0;       // training + sample grid time of the previous frame
    double part_seconds_ = 0;          // smoothed duration of one part of a step; 0: none yet
    double slice_seconds_ = kTrainSliceSeconds;
    double last_preview_ = -1e30;
    double last_state_snapshot_ = -1e30;
    FrameTimes frame_intervals_, frame_work_;

    // Declared last so it is destroyed first: its thread stops before anything it uses.
    std::unique_ptr<TrainerThread> trainer_;
    uint64_t attached_version_ = 0;  // the session's model_version() the trainer was given
    TrainerThread::Report report_;   // reused every frame
};

}  // namespace ganvas
