// app.h - the Ganvas app: a GAN training live on MNIST, with its ImGui windows.
//
// All app logic and UI live here, identical on the desktop and in the browser. The app owns
// a ganvas::Gan, the MNIST digits, a fixed noise batch for the sample grid and the GL
// textures it draws. Where the build has threads it trains on a TrainerThread
// (trainer_thread.h) and each frame only collects what was trained; in the one-thread page
// build each frame trains for a bounded slice of time instead (so the tab stays responsive).
// Then it draws four windows: Training, Losses, Samples, Real digits.
//
// The platform mains drive it with app_run_frame(); the browser glue also calls start(),
// pause(), reset(), status(), save_checkpoint() and load_checkpoint() directly.
//
// Checkpoints: the Training window's "Save checkpoint" / "Load checkpoint..." buttons call
// the platform's CheckpointHooks (the browser downloads / opens a file picker; the desktop
// writes ./ganvas-step<N>.safetensors / reloads its --checkpoint file). A button whose hook
// is not set is disabled. The platform difference stays in the mains.
//
// Frame times: status() reports the median and 95th percentile of the last kFrameWindow
// frame intervals (the time between the starts of consecutive frames, what a viewer sees),
// and of the frame work (the time app_run_frame spends: events, training, ImGui, GL calls).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/dataset.h"
#include "gan/gan.h"
#include "io/image.h"
#include "base/status.h"
#include "nn/tensor.h"
#include "trainer_thread.h"
#include "window.h"

namespace ganvas {

// File names of the MNIST digits (assets/CMakeLists.txt writes them into the build's assets dir).
constexpr const char* kMnistImagesFile = "mnist10k-images-idx3-ubyte";
constexpr const char* kMnistLabelsFile = "mnist10k-labels-idx1-ubyte";

// Compute time per frame (training steps and the sample grid): steps run while the next one is
// expected to end within the slice (the step time is tracked), so a 60 Hz page keeps ~4 ms
// for drawing and the browser. A frame trains at least one step unless it refreshed the grid
// and steps would fit the slice. When the rest of the frame is slow anyway (software WebGL, a
// busy compositor), the main thread would sit idle waiting for the next frame, so the slice
// grows with the rest of the frame beyond one display refresh (kVsyncAllowanceSeconds: up to
// that the browser may just be waiting for vsync) until compute takes kTrainFrameShare of it,
// at most kMaxTrainSliceSeconds. Only time outside the compute counts, so slow steps never
// grow their own budget. Training runs in quarter steps (Gan::train_part, ~5 ms in wasm), so
// a frame fills its 12 ms slice closely (with half steps of ~10 ms, a frame's work often ran
// past 16.7 ms: 24-26 ms p95 in headless Chromium, 19-22 ms with quarters). kTrainFrameShare 0.8: where drawing is slow anyway (software
// WebGL at 1280x800 draws for ~25 ms), training gets 4x the slowness beyond vsync: the headless
// browser test reached step 600 in 46 s at 0.5; on a real GPU nothing is slow and the slice
// stays at its minimum.
constexpr double kTrainSliceSeconds = 0.012;
constexpr double kTrainFrameShare = 0.8;
constexpr double kMaxTrainSliceSeconds = 0.1;
constexpr double kVsyncAllowanceSeconds = 1.0 / 60;
// Frames the frame-time percentiles are taken over (~2 s at 60 Hz).
constexpr int kFrameWindow = 120;
// How often the sample grid is regenerated while training.
constexpr double kPreviewIntervalSeconds = 0.25;
// Sample grids: 8 x 8 digits of 28 x 28 pixels, 1-pixel gutters.
constexpr int kGridColumns = 8;
constexpr int kGridCount = kGridColumns * kGridColumns;
constexpr int kDigitSide = 28;
constexpr int kGridGutter = 1;

struct AppConfig {
    std::string images_path, labels_path;  // IDX files
    std::string preset = "seed";           // ganvas::gan_config_preset name
    uint64_t seed = 1;
    double train_slice_seconds = kTrainSliceSeconds;  // the minimum slice
    int threads = 0;  // threads a training step uses (core/base/parallel.h); 0: the default below
};

// The default thread count for training: every core, but one is left for drawing when the
// trainer has a thread of its own.
int app_default_threads();

// The config for the standard MNIST file names inside `dir`.
AppConfig app_config_for_assets_dir(const std::string& dir);

// Where an image was last drawn, in window (CSS) pixels.
struct ScreenRect {
    float x = 0, y = 0, width = 0, height = 0;
};

struct AppStatus {
    int64_t step = 0, epoch = 0;
    bool trainer_thread = false;   // training runs on its own thread (else in frame slices)
    float d_loss = 0, g_loss = 0;  // of the last step
    float d_real = 0, d_fake = 0;  // mean D(x), mean D(G(z)) of the last step
    double iters_per_sec = 0;      // measured over the last second of training
    double train_slice_ms = 0;     // compute budget of the current frame (see kTrainSliceSeconds)
    double frame_ms = 0;           // recent interval between frames (smoothed)
    // Over the last kFrameWindow frames: interval between frame starts, and the frame's own work.
    double frame_ms_median = 0, frame_ms_p95 = 0;
    double frame_work_ms_median = 0, frame_work_ms_p95 = 0;
    int threads = 1;               // threads training uses now (the Training window's slider)
    int max_threads = 1;           // the most this build offers: every core, or 1 without threads
    bool running = false;
    bool ready = false;            // data loaded and the model built: start() can train
    std::string error;             // what went wrong, for people; empty when all is well
    // The last checkpoint save/load outcome shown under the status line ("Loaded checkpoint:
    // step N", or why a file was refused); empty after start() and reset().
    std::string message;
    bool message_is_error = false;
    ScreenRect samples_rect, real_rect;
};

// D and G loss per step, bounded: when `capacity` points are stored, neighbours are averaged
// in pairs and each point then stands for twice as many steps.
class LossHistory {
public:
    explicit LossHistory(int capacity = 1024);
    void add(float d_loss, float g_loss);
    void clear();
    const std::vector<float>& d_loss() const { return d_; }
    const std::vector<float>& g_loss() const { return g_; }
    int steps_per_point() const { return stride_; }

private:
    int capacity_;
    int stride_ = 1, pending_ = 0;
    double sum_d_ = 0, sum_g_ = 0;
    std::vector<float> d_, g_;
};

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

class App;

// What the Training window's checkpoint buttons do on this platform (see the top of the file).
struct CheckpointHooks {
    std::function<void(App&)> save;  // "Save checkpoint"
    std::function<void(App&)> load;  // "Load checkpoint..." (may finish later, e.g. a picker)
};

class App {
public:
    // Loads the data and builds the model; failures end up in status().error, never a crash.
    // Needs the Window's GL context (it creates textures).
    explicit App(const AppConfig& config);

    void start();
    void pause();
    // A fresh model from the same seed, paused at step 0.
    void reset();
    AppStatus status() const;
    // Threads a training step uses, 1 .. max_threads(); results are the same bits for any count.
    void set_threads(int n);

    // The model as checkpoint bytes (core/io/checkpoint.h); empty when there is no model.
    std::vector<uint8_t> save_checkpoint();  // finishes a begun iteration first
    // Replaces the model by the checkpoint's (config, weights, optimiser, streams, step),
    // keeps the digits, clears the loss history, pauses, and shows "Loaded checkpoint: step N".
    // On any error (a bad file, a model these digits cannot train) the current model and
    // training state stay as they were and the status line shows why; the Status says it too.
    Status load_checkpoint(const uint8_t* bytes, size_t size);
    void set_checkpoint_hooks(CheckpointHooks hooks) { hooks_ = std::move(hooks); }
    // A line for the status line, e.g. where a platform hook saved a file or why it could not.
    void show_message(std::string message, bool is_error = false);

    // Trains a time slice when running, then draws the windows. Call between
    // Window::begin_frame() and Window::end_frame().
    void frame();
    // The whole frame's work time, measured by app_run_frame around events, frame() and present.
    void record_frame_work(double seconds);

private:
    using Clock = std::chrono::steady_clock;

    void build_model();
    // Makes `gan` the app's model: fresh preview noise, cleared history and statistics.
    void adopt_model(std::unique_ptr<Gan> gan);
    // Trains while the next step is expected to end within `seconds`; with must_step, at least one step.
    bool record_iteration(const StepStats& stats);  // false when the run diverged
    void finish_iteration();                        // the remaining parts of a begun iteration
    void train_slice(double seconds, bool must_step);
    void collect_trained();            // the TrainerThread's news: iterations, step, samples
    void resume_trainer();             // after the UI thread used the model (it is parked)
    void show_samples();               // samples_ -> the grid texture
    int64_t current_step() const;      // safe while the trainer thread runs
    void update_rate(Clock::time_point now);
    void refresh_samples();
    void upload_grid(const GreyImage& grid, RgbaTexture* texture);
    void draw_training_window();
    void draw_losses_window();

    AppConfig config_;
    GanConfig gan_config_;
    std::unique_ptr<Gan> gan_;
    Dataset data_;
    bool data_ok_ = false;
    std::string error_;
    std::string message_;
    bool message_is_error_ = false;
    CheckpointHooks hooks_;

    bool running_ = false;
    StepStats last_;
    LossHistory history_;
    double iters_per_sec_ = 0;
    Clock::time_point rate_start_;
    int64_t rate_start_step_ = 0;
    Clock::time_point last_frame_;
    bool have_last_frame_ = false;
    double frame_seconds_ = 1.0 / 60;  // smoothed interval between frames
    double rest_seconds_ = 1.0 / 60;   // smoothed part of that interval outside the frame's compute
    double compute_seconds_ = 0;       // training + sample grid time of the previous frame
    double step_seconds_ = 0;          // smoothed duration of one training step; 0: none yet
    double slice_seconds_ = kTrainSliceSeconds;
    FrameTimes frame_intervals_, frame_work_;

    Matrix noise_;    // (64, latent), drawn once
    Matrix samples_;  // (64, 784), G(noise_)
    Clock::time_point last_preview_;
    bool preview_dirty_ = true;
    GreyImage grid_;
    std::vector<uint8_t> rgba_;
    RgbaTexture samples_texture_, real_texture_;
    ScreenRect samples_rect_, real_rect_;

    // Training off the UI thread (null in the one-thread page build). Declared last so it is
    // destroyed first: its thread stops before the model and data it uses go away.
    std::unique_ptr<TrainerThread> trainer_;
    TrainerThread::Report report_;  // reused every frame
};

// One frame of the shared main loop: events, the app's frame, present, and the frame's work
// time recorded in the app. With `capture`, the rendered frame is read back into it.
// Returns false once the user closed the window.
bool app_run_frame(Window& window, App& app, RgbaImage* capture = nullptr);

}  // namespace ganvas
