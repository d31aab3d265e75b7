// app.h - the Ganvas app: a GAN training live on MNIST, with its ImGui windows.
//
// All app logic and UI live here, identical on the desktop and in the browser. The app owns
// a ganvas::Gan, the MNIST digits, a fixed noise batch for the sample grid and the GL
// textures it draws. Each frame it trains for a bounded slice of time (so a browser tab
// stays responsive), then draws four windows: Training, Losses, Samples, Real digits.
//
// The platform mains drive it with app_run_frame(); the browser glue also calls start(),
// pause(), reset() and status() directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataset.h"
#include "gan.h"
#include "image.h"
#include "tensor.h"
#include "window.h"

namespace ganvas {

// File names of the MNIST digits (assets/CMakeLists.txt writes them into the build's assets dir).
constexpr const char* kMnistImagesFile = "mnist10k-images-idx3-ubyte";
constexpr const char* kMnistLabelsFile = "mnist10k-labels-idx1-ubyte";

// Training time per frame: steps run until the slice has elapsed (at least one step), so a
// 60 Hz page keeps ~4 ms for drawing and the browser. When frames come slower than that anyway
// (software WebGL, a busy compositor), the main thread would sit idle waiting for the next one,
// so the slice grows to kTrainFrameShare of the recent frame interval, at most kMaxTrainSliceSeconds.
constexpr double kTrainSliceSeconds = 0.012;
constexpr double kTrainFrameShare = 0.5;
constexpr double kMaxTrainSliceSeconds = 0.1;
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
};

// The config for the standard MNIST file names inside `dir`.
AppConfig app_config_for_assets_dir(const std::string& dir);

// Where an image was last drawn, in window (CSS) pixels.
struct ScreenRect {
    float x = 0, y = 0, width = 0, height = 0;
};

struct AppStatus {
    int64_t step = 0, epoch = 0;
    float d_loss = 0, g_loss = 0;  // of the last step
    float d_real = 0, d_fake = 0;  // mean D(x), mean D(G(z)) of the last step
    double iters_per_sec = 0;      // measured over the last second of training
    double train_slice_ms = 0;     // training time budget of the current frame
    double frame_ms = 0;           // recent interval between frames
    bool running = false;
    bool ready = false;            // data loaded and the model built: start() can train
    std::string error;             // what went wrong, for people; empty when all is well
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

    // Trains a time slice when running, then draws the windows. Call between
    // Window::begin_frame() and Window::end_frame().
    void frame();

private:
    using Clock = std::chrono::steady_clock;

    void build_model();
    void train_slice(double seconds);
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

    bool running_ = false;
    StepStats last_;
    LossHistory history_;
    double iters_per_sec_ = 0;
    Clock::time_point rate_start_;
    int64_t rate_start_step_ = 0;
    Clock::time_point last_frame_;
    bool have_last_frame_ = false;
    double frame_seconds_ = 1.0 / 60;  // smoothed interval between frames
    double slice_seconds_ = kTrainSliceSeconds;

    Matrix noise_;    // (64, latent), drawn once
    Matrix samples_;  // (64, 784), G(noise_)
    Clock::time_point last_preview_;
    bool preview_dirty_ = true;
    GreyImage grid_;
    std::vector<uint8_t> rgba_;
    RgbaTexture samples_texture_, real_texture_;
    ScreenRect samples_rect_, real_rect_;
};

// One frame of the shared main loop: events, the app's frame, present. With `capture`,
// the rendered frame is read back into it. Returns false once the user closed the window.
bool app_run_frame(Window& window, App& app, RgbaImage* capture = nullptr);

}  // namespace ganvas
