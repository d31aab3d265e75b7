// app.cpp - the wiring: session + driver + textures + windows. See app.h.
#include "app.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>

#include "base/file_io.h"

namespace ganvas {

AppConfig app_config_for_assets_dir(const std::string& dir) {
    AppConfig config;
    static_cast<SessionConfig&>(config) = session_config_for_assets_dir(dir);
    return config;
}

App::App(const AppConfig& config)
    : session_(config), driver_(session_, DriverMode::Auto, driver_steady_clock(), config.train_slice_seconds) {
    upload_real_digits();
}

void App::upload_real_digits() {
    if (uploaded_data_ == session_.data_version()) return;
    uploaded_data_ = session_.data_version();
    if (!session_.real_digits().pixels.empty()) upload_grid(session_.real_digits(), &real_texture_);
}

std::vector<uint8_t> App::save_checkpoint() {
    if (!run(command::SaveCheckpoint{})) return {};
    return session_.saved_checkpoint();
}

Status App::load_checkpoint(const uint8_t* bytes, size_t size, const std::string& history) {
    return run(command::LoadCheckpoint{std::vector<uint8_t>(bytes, bytes + size), history});
}

Status App::load_classifier(const uint8_t* bytes, size_t size) {
    Status loaded = diagnosis_.load_classifier(bytes, size);
    if (!loaded) show_message("The diagnosis's classifier was refused: " + loaded.message, true);
    return loaded;
}

void App::update_diagnosis(const SessionStatus& status) {
    const auto now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    diagnosis_.update(session_, status, now);
    if (!diagnosis_.wants_classifier()) return;
    diagnosis_.classifier_requested();
    if (hooks_.load_classifier) {
        hooks_.load_classifier(*this);
    } else if (session_.config().classifier_path.empty()) {
        diagnosis_.classifier_failed("this build has no classifier file.");
    } else {
        std::vector<uint8_t> bytes;
        const Status read = file_read_all(session_.config().classifier_path, &bytes);
        if (!read)
            diagnosis_.classifier_failed(read.message + " (`ganvas classifier --out FILE` makes one)");
        else
            diagnosis_.load_classifier(bytes.data(), bytes.size());
    }
}

Status App::set_setting(const std::string& key, const std::string& text, bool* staged) {
    std::vector<SessionCommand> commands;
    Status s = ui_settings_enter(session_, &settings_, key, text, &commands);
    if (!s) {
        show_message("Cannot set " + key + ": " + s.message, true);
        return s;
    }
    if (staged) *staged = commands.empty();
    for (SessionCommand& command : commands)
        if (Status done = run(std::move(command)); !done) return done;
    if (commands.empty()) show_message(key + "=" + text + " is staged: it applies on Reset.", false);
    diagnosis_.refresh_alerts(session_.live_config());
    return Status::success();
}

double App::set_speed(double steps_per_second) {
    pace_.steps_per_second = steps_per_second > 0 ? float(std::min(steps_per_second, double(kPaceMaxStepsPerSecond))) : 0.0f;
    if (pace_.steps_per_second == 0) pace_.playing = false;
    return pace_.steps_per_second;
}

Status App::play() {
    if (pace_.steps_per_second <= 0) return run(command::Start{});
    if (!session_.ready() || session_.explore_only()) return Status::failure("There is no run to play.");
    pace_.playing = true;
    pace_.credit = 0;
    return Status::success();
}

void App::run_steps(int64_t count) {
    pace_.run_left = std::max<int64_t>(count, 0);
    pace_.credit = 0;
}

void App::pace_frame() {
    PaceState& p = pace_;
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    const double dt = p.last_seconds < 0 ? 0 : std::min(now - p.last_seconds, 0.25);
    p.last_seconds = now;
    if (!p.playing && p.run_left <= 0) return;
    if (!session_.ready() || session_.explore_only()) {
        p.playing = false;
        p.run_left = 0;
        return;
    }
    if (session_.running()) driver_.run(command::Pause{});  // the app steps now, not the driver
    int64_t due = 0;
    const bool slow = p.steps_per_second > 0;
    if (slow) {
        p.credit = std::min(p.credit + dt * p.steps_per_second, 4.0);
        due = int64_t(p.credit);
        p.credit -= double(due);
    } else {  // Run N at full speed: what fits in ~30 ms a frame
        due = pace_step_seconds_ > 0 ? std::max<int64_t>(1, int64_t(0.03 / pace_step_seconds_)) : 1;
    }
    if (p.run_left > 0) due = std::min(due, p.run_left);
    for (int64_t i = 0; i < due; ++i) {
        const auto begin = std::chrono::steady_clock::now();
        const int64_t chunk = slow ? 1 : due;
        const Status stepped = driver_.run(command::Step{chunk});
        const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count() / double(chunk);
        pace_step_seconds_ = pace_step_seconds_ > 0 ? pace_step_seconds_ + 0.3 * (took - pace_step_seconds_) : took;
        if (p.run_left > 0) p.run_left = std::max<int64_t>(p.run_left - chunk, 0);
        if (!stepped) {
            p.playing = false;
            p.run_left = 0;
            return;
        }
        if (slow) driver_.run(command::RefreshSamples{});  // the grid after each step
        if (!slow) break;
    }
}

void App::handle_keys() {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;  // typing into a field
    for (int i = 0; i < io.InputQueueCharacters.Size; ++i) {
        const ImWchar c = io.InputQueueCharacters[i];
        if (c == ' ') {
            if (session_.running() || pace_.playing || pace_.run_left > 0) {
                pace_.playing = false;
                pace_.run_left = 0;
                driver_.submit(command::Pause{});
            } else {
                play();
            }
        } else if (c == 's' || c == 'S') {
            if (!session_.running() && !pace_.playing && pace_.run_left == 0) driver_.submit(command::Step{1});
        } else if (c == 'r' || c == 'R') {
            pace_.playing = false;
            pace_.run_left = 0;
            driver_.submit(command::Reset{});
        }
    }
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

void App::upload_explorer() {
    if (!session_.digit_selected()) return;
    if (session_.digit_version() != uploaded_digit_) {
        const std::vector<float>& pixels = session_.digit_pixels();
        image_tile_grid(ConstMatrixView(pixels.data(), 1, int(pixels.size())), kDigitSide, 1, 0, &grid_);
        upload_grid(grid_, &digit_texture_);
        uploaded_digit_ = session_.digit_version();
    }
    const LinkBatchNorm& bn = session_.digit_bn();
    const bool same_bn = bn.mode == strip_bn_.mode && bn.seed == strip_bn_.seed && bn.count == strip_bn_.count &&
                         bn.row == strip_bn_.row;
    if (!explorer_.have_a || !explorer_.have_b || session_.rebuilding() ||
        (same_bn && explorer_.ends_version == strip_ends_ && session_.snapshot_version() == strip_snapshot_))
        return;
    std::vector<LinkZ> zs;
    for (int k = 0; k < kStripSteps; ++k)
        zs.push_back(explorer_slerp_z(explorer_.a, explorer_.b, float(k) / float(kStripSteps - 1),
                                      session_.gan_config().latent_dim));
    if (!session_.render_digits(zs, bn, &strip_pixels_)) return;
    image_tile_grid(ConstMatrixView(strip_pixels_.data(), kStripSteps, session_.gan_config().image_pixels), kDigitSide,
                    kStripSteps, kGridGutter, &grid_);
    upload_grid(grid_, &strip_texture_);
    strip_bn_ = bn;
    strip_ends_ = explorer_.ends_version;
    strip_snapshot_ = session_.snapshot_version();
}

void App::download_digit() {
    if (!session_.digit_selected() || !hooks_.download_png) return;
    GreyImage image;
    const std::vector<float>& pixels = session_.digit_pixels();
    image_tile_grid(ConstMatrixView(pixels.data(), 1, int(pixels.size())), kDigitSide, 1, 0, &image);
    const LinkZ& z = session_.digit_z();
    char name[128];
    if (z.kind == LinkZ::Kind::Seeded)
        std::snprintf(name, sizeof name, "ganvas-digit-step%lld-s%" PRIu64 "-%" PRIu64 ".png",
                      (long long)session_.snapshot_step(), z.seed, z.index);
    else
        std::snprintf(name, sizeof name, "ganvas-digit-step%lld-%s.png", (long long)session_.snapshot_step(),
                      z.kind == LinkZ::Kind::Slerp ? "slerp" : "edited");
    hooks_.download_png(*this, image, name);
}

std::vector<AppWindowRect> App::windows() const {
    std::vector<AppWindowRect> list;
    if (banner_rect_.width > 0) {
        const ImFontAtlas* fonts = ImGui::GetIO().Fonts;
        list.push_back(AppWindowRect{"banner", banner_rect_, false, banner_clipped_, 0, 0,
                                     fonts->Fonts.empty() ? 0.0f : fonts->Fonts[0]->FontSize});
    }
    for (int i = 0; i < kUiWindowCount; ++i) {
        if (!drawn_.drawn[size_t(i)]) continue;
        const LayoutRect& r = drawn_.rects[size_t(i)];
        list.push_back(AppWindowRect{ui_window_title(UiWindow(i)), ScreenRect{r.x, r.y, r.width, r.height},
                                     layout_.moved(UiWindow(i)), false,
                                     UiWindow(i) == UiWindow::Digit ? explorer_.zoom : 0.0f, scroll_y_[size_t(i)]});
    }
    return list;
}

void App::frame(float display_scale) {
    handle_keys();
    pace_frame();
    driver_.frame();
    if (session_.samples_version() != uploaded_samples_) {
        image_tile_grid(const_view_of(session_.samples()), kDigitSide, kGridColumns, kGridGutter, &grid_);
        upload_grid(grid_, &samples_texture_);
        uploaded_samples_ = session_.samples_version();
    }

    const SessionStatus status = session_.status();
    const DriverStatus driver = driver_.status();
    update_diagnosis(status);
    if (diagnosis_.alerts().size() > alerts_shown_) layout_.set_open(UiWindow::Diagnosis, true);  // a new alert
    alerts_shown_ = diagnosis_.alerts().size();
    upload_explorer();
    upload_real_digits();  // new images (command::LoadData)
    UiState state{session_, status, driver, samples_texture_, real_texture_, bool(hooks_.save), bool(hooks_.load)};
    state.digit_texture = &digit_texture_;
    state.strip_texture = &strip_texture_;
    state.explorer = &explorer_;
    state.can_load_shipped = bool(hooks_.load_shipped_generator);
    state.can_download_png = bool(hooks_.download_png);
    state.diagnosis = &diagnosis_;
    if (saved_run_.step >= 0 && hooks_.saved_run_choice) state.saved_run = &saved_run_;
    state.pace = &pace_;
    state.settings = &settings_;
    state.can_load_data = bool(hooks_.load_data);
    // The layout for this canvas: a link's digit first; a selected digit opens the Digit window.
    if (status.digit.selected && !digit_was_selected_) layout_.set_open(UiWindow::Digit, true);
    digit_was_selected_ = status.digit.selected;
    const std::string& link = status.digit.link_state;
    const bool linked = link == "rebuilding" || link == "shown" || link == "mismatch";
    const ImVec2 canvas = ImGui::GetIO().DisplaySize;
    const LayoutKeeper::Frame& placed = layout_.begin_frame(canvas.x, canvas.y, display_scale, linked);
    if (!have_style_ || placed.layout.metrics != styled_) {
        ui_apply_style(placed.layout.metrics);
        styled_ = placed.layout.metrics;
        have_style_ = true;
    }
    state.layout = &placed;
    UiOutput out;
    ui_banner(state, &out);
    ui_training_window(state, &out);
    ui_losses_window(state, &out);
    ui_samples_window(state, &out);
    ui_real_digits_window(state, &out);
    ui_explorer_window(state, &out);
    ui_diagnosis_window(state, &out);
    ui_resume_window(state, &out);
    ui_settings_window(state, &out);

    samples_rect_ = out.samples_rect;
    real_rect_ = out.real_rect;
    layout_.end_frame(out.windows);
    drawn_ = out.windows;
    scroll_y_ = out.scroll_y;
    banner_rect_ = out.banner_rect;
    banner_clipped_ = out.banner_clipped;
    for (int i = 0; i < kUiWindowCount; ++i)
        if (out.set_open[size_t(i)] != 0) layout_.set_open(UiWindow(i), out.set_open[size_t(i)] > 0);
    if (out.reset_layout) layout_.reset();
    if (out.show_digit) {
        layout_.show(UiWindow::Digit);
        ImGui::SetWindowFocus(ui_window_title(UiWindow::Digit));
    }
    bool changes_settings = false;
    for (SessionCommand& command : out.commands) {
        changes_settings = changes_settings || std::holds_alternative<command::ChangeSetting>(command) ||
                           std::holds_alternative<command::Reset>(command);
        driver_.submit(std::move(command));
    }
    driver_.apply_pending();  // what the user clicked shows in this frame's status already
    if (changes_settings) diagnosis_.refresh_alerts(session_.live_config());  // the remedy offered next
    if (out.save_checkpoint_file) hooks_.save(*this);
    if (out.load_checkpoint_file) hooks_.load(*this);
    if (out.load_shipped_generator) hooks_.load_shipped_generator(*this);
    if (out.load_data_file) hooks_.load_data(*this);
    if (out.download_digit_png) download_digit();
    if (out.saved_run_choice != 0) {
        saved_run_.step = -1;  // answered: the window closes
        hooks_.saved_run_choice(*this, out.saved_run_choice > 0);
    }
    if (!out.copy_text.empty()) {
        if (hooks_.copy_text)
            hooks_.copy_text(*this, out.copy_text);
        else
            ImGui::SetClipboardText(out.copy_text.c_str());
    }
}

bool app_run_frame(Window& window, App& app, RgbaImage* capture) {
    const auto begin = std::chrono::steady_clock::now();
    const bool keep_running = window.poll_events();
    window.begin_frame();
    app.frame(window.display_scale());
    window.end_frame(capture);
    app.record_frame_work(std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
    return keep_running;
}

}  // namespace ganvas
