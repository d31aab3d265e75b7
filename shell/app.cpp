// app.cpp - training loop slice, sample grids and the four ImGui windows. See app.h.
#include "app.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "gan/streams.h"
#include "io/checkpoint.h"
#include "imgui.h"
#include "base/parallel.h"

namespace ganvas {

namespace {

// First-use layout for a 1280 x 800 canvas: a left column (Training over Losses) and the two
// grids side by side; nothing overlaps. Samples start at 2x, real digits at ~1.6x.
struct WindowLayout {
    ImVec2 pos, size;
};
const WindowLayout kTrainingLayout = {{10, 10}, {370, 350}};
const WindowLayout kLossesLayout = {{10, 370}, {370, 420}};
const WindowLayout kSamplesLayout = {{390, 10}, {482, 520}};
const WindowLayout kRealLayout = {{882, 10}, {388, 425}};

const ImVec4 kErrorColor(1.0f, 0.45f, 0.4f, 1.0f);
const ImVec4 kDimColor(0.65f, 0.65f, 0.7f, 1.0f);

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

void place_next_window(const WindowLayout& layout) {
    ImGui::SetNextWindowPos(layout.pos, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(layout.size, ImGuiCond_FirstUseEver);
}

// A window showing one sample grid, fitted to the window with its aspect ratio kept.
// Records where the image landed in *drawn (empty when there is nothing to show).
void draw_image_window(const char* title, const WindowLayout& layout, const char* caption,
                       const RgbaTexture& texture, ScreenRect* drawn) {
    place_next_window(layout);
    ImGui::Begin(title);
    ImGui::TextColored(kDimColor, "%s", caption);
    *drawn = ScreenRect{};
    if (texture.empty()) {
        ImGui::TextColored(kErrorColor, "Nothing to show: see the status line in Training.");
    } else {
        const ImVec2 avail = ImGui::GetContentRegionAvail();
        const float scale = std::max(0.25f, std::min(avail.x / texture.width(), avail.y / texture.height()));
        ImGui::Image(texture.id(), ImVec2(texture.width() * scale, texture.height() * scale));
        const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
        *drawn = ScreenRect{lo.x, lo.y, hi.x - lo.x, hi.y - lo.y};
    }
    ImGui::End();
}

}  // namespace

AppConfig app_config_for_assets_dir(const std::string& dir) {
    AppConfig config;
    const std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
    config.images_path = prefix + kMnistImagesFile;
    config.labels_path = prefix + kMnistLabelsFile;
    return config;
}

// [SECTION] FrameTimes

void FrameTimes::add(double ms) {
    ms_[next_] = float(ms);
    next_ = (next_ + 1) % kFrameWindow;
    count_ = std::min(count_ + 1, kFrameWindow);
}

double FrameTimes::quantile(double q) const {
    if (count_ == 0) return 0;
    // Until the ring is full the times sit in [0, count_). A copy on the stack: no allocation.
    std::array<float, kFrameWindow> sorted = ms_;
    const int rank = std::clamp(int(std::ceil(q * count_)), 1, count_);
    std::nth_element(sorted.begin(), sorted.begin() + (rank - 1), sorted.begin() + count_);
    return sorted[rank - 1];
}

// [SECTION] LossHistory

LossHistory::LossHistory(int capacity) : capacity_(capacity) {
    IM_ASSERT(capacity >= 2 && capacity % 2 == 0 && "LossHistory needs an even capacity of at least 2");
    d_.reserve(capacity);
    g_.reserve(capacity);
}

void LossHistory::add(float d_loss, float g_loss) {
    sum_d_ += d_loss;
    sum_g_ += g_loss;
    if (++pending_ < stride_) return;
    d_.push_back(float(sum_d_ / stride_));
    g_.push_back(float(sum_g_ / stride_));
    sum_d_ = sum_g_ = 0;
    pending_ = 0;
    if (int(d_.size()) < capacity_) return;
    // Full: halve the resolution so memory stays bounded however long training runs.
    for (int i = 0; i < capacity_ / 2; ++i) {
        d_[i] = 0.5f * (d_[2 * i] + d_[2 * i + 1]);
        g_[i] = 0.5f * (g_[2 * i] + g_[2 * i + 1]);
    }
    d_.resize(capacity_ / 2);
    g_.resize(capacity_ / 2);
    stride_ *= 2;
}

void LossHistory::clear() {
    d_.clear();
    g_.clear();
    stride_ = 1;
    pending_ = 0;
    sum_d_ = sum_g_ = 0;
}

// [SECTION] App: model, data, controls

int app_default_threads() {
    return TrainerThread::available() ? std::max(1, max_threads() - 1) : max_threads();
}

App::App(const AppConfig& config) : config_(config) {
    if (TrainerThread::available()) trainer_ = std::make_unique<TrainerThread>();
    ganvas::set_threads(config_.threads > 0 ? config_.threads : app_default_threads());
    if (!gan_config_preset(config_.preset, &gan_config_)) {
        error_ = "Unknown model preset '" + config_.preset + "'.";
        return;
    }
    if (Status valid = gan_config_validate(gan_config_); !valid) {
        error_ = "Model preset '" + config_.preset + "' is invalid: " + valid.message;
        return;
    }
    build_model();

    Status loaded = dataset_load_idx(config_.images_path, config_.labels_path, &data_);
    if (!loaded) {
        error_ = "Cannot load the MNIST digits: " + loaded.message +
                 " (build the 'ganvas_assets' target, or point the app at a folder holding " +
                 kMnistImagesFile + ")";
    } else if (data_.rows != kDigitSide || data_.cols != kDigitSide) {
        error_ = "The digits are " + std::to_string(data_.rows) + "x" + std::to_string(data_.cols) +
                 " pixels; this app needs 28x28.";
    } else if (data_.count < gan_config_.batch_size) {
        error_ = "Only " + std::to_string(data_.count) + " digits loaded; training needs at least " +
                 std::to_string(gan_config_.batch_size) + ".";
    } else {
        data_ok_ = true;
        // A fixed random choice of real digits to compare the samples with.
        std::vector<uint32_t> order(data_.count);
        for (int i = 0; i < data_.count; ++i) order[i] = uint32_t(i);
        Rng pick(config_.seed, streams::kRealDigits);
        shuffle_indices(order.data(), order.size(), pick);
        std::vector<uint8_t> chosen(size_t(kGridCount) * data_.pixels_per_image());
        for (int i = 0; i < kGridCount; ++i)
            std::copy_n(data_.pixels.data() + size_t(order[i]) * data_.pixels_per_image(), data_.pixels_per_image(),
                        chosen.data() + size_t(i) * data_.pixels_per_image());
        GreyImage real;
        image_tile_grid_u8(chosen.data(), kGridCount, kDigitSide, kGridColumns, kGridGutter, &real);
        upload_grid(real, &real_texture_);
    }
}

void App::build_model() { adopt_model(std::make_unique<Gan>(gan_config_, config_.seed)); }

void App::adopt_model(std::unique_ptr<Gan> gan) {
    if (trainer_) trainer_->park();  // it may be using the model we are about to replace
    gan_ = std::move(gan);
    gan_config_ = gan_->config();
    noise_.resize(kGridCount, gan_config_.latent_dim);
    sample_z_rows(gan_->seed(), 0, view_of(noise_));  // the z of (the model's seed, 0..63), as `ganvas train`
    samples_.resize(kGridCount, gan_config_.image_pixels);
    last_ = StepStats{};
    history_.clear();
    iters_per_sec_ = 0;
    step_seconds_ = 0;  // another config may step at another speed
    preview_dirty_ = true;
    if (trainer_) trainer_->attach(gan_.get(), &data_, &noise_);
}

void App::start() {
    if (!data_ok_ || !gan_ || running_) return;
    running_ = true;
    message_.clear();
    rate_start_ = Clock::now();
    rate_start_step_ = gan_->step();
    if (trainer_) resume_trainer();
}

void App::pause() {
    if (trainer_) {
        trainer_->park();
        collect_trained();  // the last iterations, so the figures shown are the final ones
    }
    running_ = false;
    iters_per_sec_ = 0;
    preview_dirty_ = true;  // show the samples of the exact step training stopped at
}

void App::reset() {
    if (!gan_) return;
    running_ = false;
    build_model();
    message_.clear();
    if (data_ok_) error_.clear();  // a divergence message no longer applies
}

std::vector<uint8_t> App::save_checkpoint() {
    if (!gan_) return {};
    if (trainer_) {
        trainer_->park();
        collect_trained();
    }
    if (gan_->mid_iteration()) finish_iteration();  // a checkpoint holds whole iterations only
    std::vector<uint8_t> bytes = checkpoint_serialize(*gan_);
    if (trainer_ && running_) resume_trainer();
    return bytes;
}

void App::set_threads(int n) {
    const bool resume = trainer_ && running_;
    if (resume) trainer_->park();  // the thread count changes between steps only
    ganvas::set_threads(std::clamp(n, 1, max_threads()));
    if (resume) resume_trainer();
}

void App::resume_trainer() {
    report_.step = gan_->step();  // what status() shows until the trainer's next report
    report_.epoch = gan_->epoch();
    trainer_->resume();
}

int64_t App::current_step() const {
    if (!gan_) return 0;
    return trainer_ && running_ ? report_.step : gan_->step();
}

void App::collect_trained() {
    trainer_->take(&report_, &samples_);
    for (const StepStats& done : report_.iterations)
        if (!record_iteration(done)) break;  // diverged: the trainer has parked itself
    if (report_.have_samples) show_samples();
}

Status App::load_checkpoint(const uint8_t* bytes, size_t size) {
    std::unique_ptr<Gan> loaded;
    Status status = checkpoint_load_new(bytes, size, &loaded);
    if (status) {
        // The checkpoint may hold another config: it has to fit the digits this app trains on.
        const GanConfig& c = loaded->config();
        if (data_ok_ && c.image_pixels != data_.pixels_per_image())
            status = Status::failure("its model draws " + std::to_string(c.image_pixels) +
                                     "-pixel images, but these digits have " +
                                     std::to_string(data_.pixels_per_image()) + " pixels.");
        else if (data_ok_ && c.batch_size > data_.count)
            status = Status::failure("its batch size " + std::to_string(c.batch_size) + " is more than the " +
                                     std::to_string(data_.count) + " digits loaded.");
    }
    if (!status) {
        status.message = "Cannot load the checkpoint: " + status.message;
        show_message(status.message, true);
        return status;
    }
    running_ = false;
    iters_per_sec_ = 0;
    GanConfig preset;  // the label in the Training window: the preset's name, if it still fits
    if (!gan_config_preset(config_.preset, &preset) ||
        gan_config_to_json(preset) != gan_config_to_json(loaded->config()))
        config_.preset = "from checkpoint";
    adopt_model(std::move(loaded));
    if (data_ok_) error_.clear();  // a divergence message no longer applies
    show_message("Loaded checkpoint: step " + std::to_string(gan_->step()));
    return status;
}

void App::show_message(std::string message, bool is_error) {
    message_ = std::move(message);
    message_is_error_ = is_error;
}

AppStatus App::status() const {
    AppStatus s;
    s.threads = threads();
    s.max_threads = max_threads();
    s.step = current_step();
    s.epoch = !gan_ ? 0 : std::max<int64_t>(trainer_ && running_ ? report_.epoch : gan_->epoch(), 0);
    s.trainer_thread = trainer_ != nullptr;
    s.d_loss = last_.d_loss;
    s.g_loss = last_.g_loss;
    s.d_real = last_.d_real;
    s.d_fake = last_.d_fake;
    s.iters_per_sec = iters_per_sec_;
    s.train_slice_ms = trainer_ ? 0.0 : slice_seconds_ * 1000.0;  // no slices on a trainer thread
    s.frame_ms = frame_seconds_ * 1000.0;
    s.frame_ms_median = frame_intervals_.quantile(0.5);
    s.frame_ms_p95 = frame_intervals_.quantile(0.95);
    s.frame_work_ms_median = frame_work_.quantile(0.5);
    s.frame_work_ms_p95 = frame_work_.quantile(0.95);
    s.running = running_;
    s.ready = data_ok_ && gan_ != nullptr;
    s.error = error_;
    s.message = message_;
    s.message_is_error = message_is_error_;
    s.samples_rect = samples_rect_;
    s.real_rect = real_rect_;
    return s;
}

// [SECTION] App: per-frame work

void App::train_slice(double seconds, bool must_step) {
    const Clock::time_point begin = Clock::now();
    double elapsed = 0;
    // Step while the next one is expected to end in time; an unknown step time (0) never fits.
    const auto next_fits = [&] { return step_seconds_ > 0 && elapsed + step_seconds_ <= seconds; };
    if (!must_step && !next_fits()) return;
    // Quarter steps (Gan::train_part): each about a quarter of a step's time, so a frame at
    // 60 Hz fills its slice closely and still draws in time where a whole step would not fit.
    do {
        StepStats done;
        const bool completed = gan_->train_part(data_, &done);
        const double now = seconds_between(begin, Clock::now());
        const double step = now - elapsed;
        step_seconds_ = step_seconds_ > 0 ? step_seconds_ + 0.2 * (step - step_seconds_) : step;
        elapsed = now;
        if (completed && !record_iteration(done)) break;
    } while (next_fits());
}

bool App::record_iteration(const StepStats& stats) {
    last_ = stats;
    if (!std::isfinite(last_.d_loss) || !std::isfinite(last_.g_loss)) {
        running_ = false;
        error_ = "Training diverged (a loss is not finite) at step " + std::to_string(last_.step) +
                 ". Press Reset to start over.";
        return false;
    }
    history_.add(last_.d_loss, last_.g_loss);
    return true;
}

void App::finish_iteration() {
    StepStats done;
    while (!gan_->train_part(data_, &done)) {
    }
    record_iteration(done);
}

void App::update_rate(Clock::time_point now) {
    if (!running_) return;
    const double elapsed = seconds_between(rate_start_, now);
    if (elapsed < 1.0) return;
    iters_per_sec_ = double(current_step() - rate_start_step_) / elapsed;
    rate_start_ = now;
    rate_start_step_ = current_step();
}

void App::refresh_samples() {
    // TrainNoUpdate: batch statistics like training, but the running statistics stay untouched,
    // so looking at the samples never changes the model.
    gan_->generate(const_view_of(noise_), view_of(samples_), BatchNormMode::TrainNoUpdate);
    show_samples();
    last_preview_ = Clock::now();
    preview_dirty_ = false;
}

void App::show_samples() {
    image_tile_grid(const_view_of(samples_), kDigitSide, kGridColumns, kGridGutter, &grid_);
    upload_grid(grid_, &samples_texture_);
}

void App::upload_grid(const GreyImage& grid, RgbaTexture* texture) {
    rgba_.resize(grid.pixels.size() * 4);
    for (size_t i = 0; i < grid.pixels.size(); ++i) {
        rgba_[4 * i + 0] = rgba_[4 * i + 1] = rgba_[4 * i + 2] = grid.pixels[i];
        rgba_[4 * i + 3] = 255;
    }
    texture->upload(rgba_.data(), grid.width, grid.height);
}

void App::frame() {
    // The compute budget of this frame (see kTrainSliceSeconds): the minimum slice, or, when
    // the rest of the frame is slow beyond a display refresh anyway, kTrainFrameShare of the frame.
    const Clock::time_point begin = Clock::now();
    if (have_last_frame_) {
        const double interval = seconds_between(last_frame_, begin);
        frame_intervals_.add(interval * 1000.0);
        const double bounded = std::min(interval, 1.0);  // a hidden tab or a benchmark stalls frames
        frame_seconds_ += 0.2 * (bounded - frame_seconds_);
        rest_seconds_ += 0.2 * (std::max(bounded - compute_seconds_, 0.0) - rest_seconds_);
    }
    last_frame_ = begin;
    have_last_frame_ = true;
    const double slow = std::max(rest_seconds_ - kVsyncAllowanceSeconds, 0.0);
    const double shared = kTrainFrameShare / (1.0 - kTrainFrameShare) * slow;
    slice_seconds_ = std::max(config_.train_slice_seconds, std::min(shared, kMaxTrainSliceSeconds));

    // The sample grid first: it spends the same budget. When steps fit in the slice, a frame
    // that refreshed the grid trains only what still fits; when a single step is longer than
    // the slice anyway, every frame trains at least one step (else training would crawl).
    bool refreshed = false;
    if (trainer_ && running_) {
        // The trainer thread trains and, when asked, samples; the frame only collects.
        collect_trained();
        if (seconds_between(last_preview_, begin) >= kPreviewIntervalSeconds) {
            trainer_->request_samples();
            last_preview_ = begin;
        }
    } else if (gan_ &&
               (preview_dirty_ || (running_ && seconds_between(last_preview_, begin) >= kPreviewIntervalSeconds))) {
        refresh_samples();
        refreshed = true;
    }
    if (running_ && !trainer_) {
        const bool must_step = !refreshed || step_seconds_ > slice_seconds_;
        train_slice(slice_seconds_ - seconds_between(begin, Clock::now()), must_step);
    }
    const Clock::time_point now = Clock::now();
    compute_seconds_ = seconds_between(begin, now);
    update_rate(now);

    draw_training_window();
    draw_losses_window();
    draw_image_window("Samples", kSamplesLayout, "G(z) for 64 fixed z, refreshed while training", samples_texture_,
                      &samples_rect_);
    draw_image_window("Real digits", kRealLayout, "64 of the MNIST digits G learns from", real_texture_,
                      &real_rect_);
}

// [SECTION] App: windows

void App::draw_training_window() {
    place_next_window(kTrainingLayout);
    ImGui::Begin("Training");
    const bool can_train = data_ok_ && gan_ != nullptr;

    ImGui::BeginDisabled(!can_train || running_);
    if (ImGui::Button("Start")) start();
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!running_);
    if (ImGui::Button("Pause")) pause();
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(gan_ == nullptr);
    if (ImGui::Button("Reset")) reset();
    ImGui::EndDisabled();

    ImGui::BeginDisabled(gan_ == nullptr || !hooks_.save);
    if (ImGui::Button("Save checkpoint")) hooks_.save(*this);
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!hooks_.load);
    if (ImGui::Button("Load checkpoint...")) hooks_.load(*this);
    ImGui::EndDisabled();

    ImGui::Separator();
    const AppStatus s = status();
    ImGui::Text("step        %lld", static_cast<long long>(s.step));
    ImGui::Text("epoch       %lld", static_cast<long long>(s.epoch));
    ImGui::Text("iters/s     %.1f", s.iters_per_sec);
    if (s.max_threads > 1) {  // a build with threads on a machine with several cores
        int n = s.threads;
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        if (ImGui::SliderInt("threads", &n, 1, s.max_threads)) set_threads(n);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Cores a training step uses. Same results for any count.");
    }
    ImGui::Separator();
    ImGui::Text("D loss      %.4f", s.d_loss);
    ImGui::Text("G loss      %.4f", s.g_loss);
    ImGui::Text("D(x)        %.4f", s.d_real);
    ImGui::Text("D(G(z))     %.4f", s.d_fake);
    ImGui::Separator();
    ImGui::TextColored(kDimColor, "%d digits, batch %d, preset '%s', seed %llu", data_.count, gan_config_.batch_size,
                       config_.preset.c_str(), static_cast<unsigned long long>(gan_ ? gan_->seed() : config_.seed));
    ImGui::TextColored(kDimColor, "frames %.0f ms median, %.0f ms p95", s.frame_ms_median, s.frame_ms_p95);
    if (s.trainer_thread)
        ImGui::TextColored(kDimColor, "training on its own thread");
    else
        ImGui::TextColored(kDimColor, "training budget %.0f ms per frame", s.train_slice_ms);

    // The status line: errors first, else what the app is doing.
    ImGui::Separator();
    if (!error_.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(kErrorColor, "%s", error_.c_str());
        ImGui::PopTextWrapPos();
    } else if (running_) {
        ImGui::TextUnformatted("Training...");
    } else if (s.step == 0) {
        ImGui::TextUnformatted("Ready: press Start.");
    } else {
        ImGui::TextUnformatted("Paused.");
    }
    if (!message_.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        if (message_is_error_)
            ImGui::TextColored(kErrorColor, "%s", message_.c_str());
        else
            ImGui::TextUnformatted(message_.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::End();
}

void App::draw_losses_window() {
    place_next_window(kLossesLayout);
    ImGui::Begin("Losses");
    const std::vector<float>& d = history_.d_loss();
    const std::vector<float>& g = history_.g_loss();
    ImGui::TextColored(kDimColor, "%d points, %d step%s each", int(d.size()), history_.steps_per_point(),
                       history_.steps_per_point() == 1 ? "" : "s");
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImVec2 plot_size(avail.x, std::max(40.0f, (avail.y - 2 * ImGui::GetTextLineHeight() - 3 * spacing) / 2));
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, "last %.4f", d.empty() ? 0.0f : d.back());
    ImGui::TextUnformatted("D loss");
    ImGui::PlotLines("##d_loss", d.data(), int(d.size()), 0, overlay, FLT_MAX, FLT_MAX, plot_size);
    std::snprintf(overlay, sizeof overlay, "last %.4f", g.empty() ? 0.0f : g.back());
    ImGui::TextUnformatted("G loss");
    ImGui::PlotLines("##g_loss", g.data(), int(g.size()), 0, overlay, FLT_MAX, FLT_MAX, plot_size);
    ImGui::End();
}

// [SECTION] The shared frame

void App::record_frame_work(double seconds) { frame_work_.add(seconds * 1000.0); }

bool app_run_frame(Window& window, App& app, RgbaImage* capture) {
    const auto begin = std::chrono::steady_clock::now();
    const bool keep_running = window.poll_events();
    window.begin_frame();
    app.frame();
    window.end_frame(capture);
    app.record_frame_work(seconds_between(begin, std::chrono::steady_clock::now()));
    return keep_running;
}

}  // namespace ganvas
