// app.cpp - the wiring: session + driver + textures + windows. See app.h.
#include "app.h"

#include <chrono>

namespace ganvas {

AppConfig app_config_for_assets_dir(const std::string& dir) {
    AppConfig config;
    static_cast<SessionConfig&>(config) = session_config_for_assets_dir(dir);
    return config;
}

App::App(const AppConfig& config)
    : session_(config), driver_(session_, DriverMode::Auto, driver_steady_clock(), config.train_slice_seconds) {
    if (!session_.real_digits().pixels.empty()) upload_grid(session_.real_digits(), &real_texture_);
}

std::vector<uint8_t> App::save_checkpoint() {
    if (!run(command::SaveCheckpoint{})) return {};
    return session_.saved_checkpoint();
}

Status App::load_checkpoint(const uint8_t* bytes, size_t size) {
    return run(command::LoadCheckpoint{std::vector<uint8_t>(bytes, bytes + size)});
}

void App::show_message(std::string message, bool is_error) {
    run(command::ShowMessage{std::move(message), is_error});
}

AppStatus App::status() const {
    AppStatus s;
    static_cast<SessionStatus&>(s) = session_.status();
    static_cast<DriverStatus&>(s) = driver_.status();
    s.samples_rect = samples_rect_;
    s.real_rect = real_rect_;
    return s;
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
    driver_.frame();
    if (session_.samples_version() != uploaded_samples_) {
        image_tile_grid(const_view_of(session_.samples()), kDigitSide, kGridColumns, kGridGutter, &grid_);
        upload_grid(grid_, &samples_texture_);
        uploaded_samples_ = session_.samples_version();
    }

    const SessionStatus status = session_.status();
    const DriverStatus driver = driver_.status();
    const UiState state{session_, status, driver, samples_texture_, real_texture_, bool(hooks_.save),
                        bool(hooks_.load)};
    UiOutput out;
    ui_training_window(state, &out);
    ui_losses_window(state, &out);
    ui_samples_window(state, &out);
    ui_real_digits_window(state, &out);

    samples_rect_ = out.samples_rect;
    real_rect_ = out.real_rect;
    for (SessionCommand& command : out.commands) driver_.submit(std::move(command));
    driver_.apply_pending();  // what the user clicked shows in this frame's status already
    if (out.save_checkpoint_file) hooks_.save(*this);
    if (out.load_checkpoint_file) hooks_.load(*this);
}

bool app_run_frame(Window& window, App& app, RgbaImage* capture) {
    const auto begin = std::chrono::steady_clock::now();
    const bool keep_running = window.poll_events();
    window.begin_frame();
    app.frame();
    window.end_frame(capture);
    app.record_frame_work(std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
    return keep_running;
}

}  // namespace ganvas
