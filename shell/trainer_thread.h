// trainer_thread.h - training on a thread of its own, so drawing never waits for a step.
//
// Where the build has threads (natively, and the page's threaded build), the app trains here
// while its UI thread only draws: frames stay at the display's rate however long a step takes.
// The one-thread page build has no second thread and trains in slices of each frame instead
// (Driver::train_slice, driver.h).
//
// Who owns the model: while the trainer runs, the model (Gan) and the sample buffer are its
// alone; the UI thread talks to it through a small mailbox under one mutex:
//   UI -> trainer:  resume() / park(), request_samples()
//   trainer -> UI:  finished iterations (StepStats), the step and epoch, a fresh sample batch
//                   with a snapshot of G (copy_generator_snapshot) of the same step, whether
//                   the run diverged or reached the step it was told to stop at    (take())
// Samples and snapshots are made between iterations only (after the part that ends one): a
// snapshot is then some step's exact G, whose weight hash a share link can name.
// park() returns only once the trainer is idle between parts of a step (Gan::train_part); from then until resume()
// the UI thread may use the model freely (save, load, reset, sample, set_threads). The trainer
// computes on the process's default GEMM pool (core/base/parallel.h); the UI thread samples
// only while the trainer is parked, and if it ever multiplies while the trainer holds the pool,
// its products simply run on its own thread (same bits), never racing the trainer's.
// A run whose step diverges (gan/snapshot.h step_divergence) parks itself and reports `diverged`.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "io/dataset.h"
#include "gan/gan.h"
#include "gan/snapshot.h"
#include "nn/tensor.h"

namespace ganvas {

// Copies G's weights, running statistics and counters into *to (no gradients); allocates only
// when *to holds another shape. A snapshot the UI thread draws from while G trains.
void copy_generator_snapshot(const Sequential& from, Sequential* to);

class TrainerThread {
public:
    // Whether this build can run one (its core was built with threads: core/base/parallel.h).
    static bool available();

    TrainerThread() = default;
    ~TrainerThread();  // parks and joins
    TrainerThread(const TrainerThread&) = delete;
    TrainerThread& operator=(const TrainerThread&) = delete;

    // What to train and where samples go (`samples` sized for `noise`). Only while parked.
    void attach(Gan* gan, const Dataset* data, const Matrix* noise);

    // Trains part after part until park(); starts the thread once. With stop_at >= 0 it parks
    // itself once the model has done stop_at iterations (a link's rebuild: never one more).
    void resume(int64_t stop_at = -1);
    void park();    // stops after the current part and waits until the trainer is idle

    // Asks for G(noise) (BatchNormMode::TrainNoUpdate, as the UI does) and a snapshot of G at
    // the end of the next iteration.
    void request_samples();
    // Asks for a state snapshot (gan/snapshot.h) into *into at the end of the first iteration
    // that reaches min_step; *into is the trainer's until take() reports have_state. Weights
    // that diverged (gan_snapshot_take refuses them) park the trainer: weights_diverged says why.
    void request_state_snapshot(GanSnapshot* into, int64_t min_step);

    struct Report {
        std::vector<StepStats> iterations;  // completed since the last take(), oldest first
        int64_t step = 0, epoch = 0;         // the model's, after the last part
        bool have_samples = false;           // `samples` and `snapshot` passed to take() are fresh,
        int64_t samples_step = 0;            // both of the model after this many iterations
        bool diverged = false;               // a step diverged (step_divergence): the trainer parked itself
        bool have_state = false;             // the requested state snapshot is written
        std::string weights_diverged;        // non-empty: the snapshot found diverged weights (parked)
    };
    // Moves out what the trainer produced since the last call. With fresh samples, `samples`
    // and `snapshot` are swapped with the trainer's buffers (no copy). Cheap: call it every frame.
    void take(Report* out, Matrix* samples, Sequential* snapshot = nullptr);

private:
    void loop();

    Gan* gan_ = nullptr;
    const Dataset* data_ = nullptr;
    const Matrix* noise_ = nullptr;
    Matrix samples_;      // the trainer's sample buffer
    Sequential snapshot_;  // and its snapshot of G
    int64_t stop_at_ = -1;
    GanSnapshot* state_into_ = nullptr;  // a requested state snapshot goes here
    int64_t state_min_step_ = 0;

    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;  // the trainer waits here for work (park() polls `busy_`)
    bool run_ = false, busy_ = false, quit_ = false;
    bool samples_wanted_ = false;
    Report report_;
};

}  // namespace ganvas
