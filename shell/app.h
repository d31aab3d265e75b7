// app.h - the Ganvas app: a Session (session.h) trained by a Driver (driver.h), shown in ImGui
// windows (ui/*.cpp), identical on the desktop and in the browser.
//
// The app only wires: it owns the session, the driver and the GL textures of the two grids;
// each frame it runs the driver, uploads the grids that changed, calls every window and
// forwards what they ask for (commands to the driver, file requests to the platform's hooks).
// The platform mains drive it with app_run_frame(); the browser glue and the desktop main
// talk to it with run(command) and the checkpoint helpers below.
//
// Checkpoints: the Training window's "Save checkpoint" / "Load checkpoint..." buttons call
// the platform's CheckpointHooks (the browser downloads / opens a file picker; the desktop
// writes ./ganvas-step<N>.safetensors / reloads its --checkpoint file). A button whose hook
// is not set is disabled. The platform difference stays in the mains. The Digit window's
// buttons work the same way: "Explore the shipped generator", "Download PNG" and the clipboard
// (without a copy_text hook, ImGui's clipboard: SDL's on the desktop).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "diagnosis.h"
#include "driver.h"
#include "session.h"
#include "ui/ui.h"
#include "window.h"

namespace ganvas {

struct AppConfig : SessionConfig {
    double train_slice_seconds = kTrainSliceSeconds;  // the minimum frame slice (driver.h)
};

// The config for the standard MNIST file names inside `dir`.
AppConfig app_config_for_assets_dir(const std::string& dir);

// The session's status, the driver's figures and where the grids were drawn: what
// window.ganvas.status() and the desktop's last line report.
struct AppStatus : SessionStatus, DriverStatus {
    ScreenRect samples_rect, real_rect;
};

// Where one open window was drawn last frame (logical pixels: CSS pixels in the browser), for
// window.ganvas.windows(). The banner is named "banner".
struct AppWindowRect {
    std::string name;
    ScreenRect rect;
    bool moved_by_user = false;  // the layout leaves it where the user put it (layout.h)
    bool clipped = false;        // the banner: its content did not fit its height
    float zoom = 0;              // the Digit window: its digit's zoom (ExplorerState::zoom)
    float scroll_y = 0;          // how far its content is scrolled down
    float font_pixels = 0;       // the banner: the font's rasterised size (text size x pixel ratio)
};

class App;

// What the windows' file and clipboard buttons do on this platform (see the top of the file).
struct CheckpointHooks {
    std::function<void(App&)> save;  // "Save checkpoint"
    std::function<void(App&)> load;  // "Load checkpoint..." (may finish later, e.g. a picker)
    // "Explore the shipped generator": gives the file's bytes to App::load_generator (may finish later).
    std::function<void(App&)> load_shipped_generator;
    // "Download PNG": the digit (28 x 28 grey) and a file name ("ganvas-digit-step<N>-<z>.png").
    std::function<void(App&, const GreyImage& image, const std::string& name)> download_png;
    // "Copy link" / "Copy grid link": text for the clipboard ("#ganvas=1&...": a fragment).
    std::function<void(App&, const std::string& text)> copy_text;
    // The diagnosis needs the classifier (diagnosis.h): gives the file's bytes to
    // App::load_classifier (may finish later: the page fetches it). Unset: the app reads
    // SessionConfig::classifier_path.
    std::function<void(App&)> load_classifier;
    // The Resume window's answer about a run the platform kept (the page: IndexedDB, see
    // offer_saved_run): true "Resume", false "Start over".
    std::function<void(App&, bool resume)> saved_run_choice;
    // The Real digits window's "Load images...": the user's IDX files (the page: a file picker;
    // they reach the session as command::LoadData, may finish later). Unset: the button is disabled.
    std::function<void(App&)> load_data;
};
using PlatformHooks = CheckpointHooks;

class App {
public:
    // Loads the data and builds the model (failures end up in status().error, never a crash).
    // Needs the Window's GL context (it creates textures).
    explicit App(const AppConfig& config);

    // Applies a command now (and any queued before it); returns its outcome.
    Status run(SessionCommand command) { return driver_.run(std::move(command)); }
    AppStatus status() const;
    const Session& session() const { return session_; }

    // The model as checkpoint bytes (a begun iteration is finished first); empty without a model.
    std::vector<uint8_t> save_checkpoint();
    // Replaces the model by the checkpoint's; on any error the model stays and the status line
    // (and the Status) says why (Session::apply, command::LoadCheckpoint).
    // With `history` (TrainingHistory::to_json() saved with it), the loss curves come back too.
    Status load_checkpoint(const uint8_t* bytes, size_t size, const std::string& history = {});
    // The loss history as JSON text (TrainingHistory::to_json), to keep next to save_checkpoint()'s
    // bytes: call it right after, so both are of the same step.
    std::string history_json() const { return session_.history().to_json(session_.status().step); }
    // A run the platform kept from an earlier visit: the Resume window asks whether to resume it
    // (the answer goes to CheckpointHooks::saved_run_choice); step < 0 withdraws the offer.
    void offer_saved_run(int64_t step, std::string saved_at) { saved_run_ = SavedRunOffer{step, std::move(saved_at)}; }
    // An explore-only generator from a generator file's bytes (command::LoadGenerator).
    Status load_generator(const uint8_t* bytes, size_t size) {
        return run(command::LoadGenerator{std::vector<uint8_t>(bytes, bytes + size)});
    }
    // A line for the status line, e.g. where a platform hook saved a file or why it could not.
    void show_message(std::string message, bool is_error = false);
    void set_checkpoint_hooks(CheckpointHooks hooks) { hooks_ = std::move(hooks); }
    // The live diagnosis (diagnosis.h): updated every frame, scored every few seconds of training.
    const Diagnosis& diagnosis() const { return diagnosis_; }
    // The classifier file for it (a failure is kept: the Diagnosis window says why).
    Status load_classifier(const uint8_t* bytes, size_t size);
    void classifier_failed(const std::string& why) { diagnosis_.classifier_failed(why); }

    // The driver's frame (commands, training), then the windows, placed by the layout for the
    // canvas (ImGui's display size) at `display_scale` (Window::display_scale()). Call between
    // Window::begin_frame() and Window::end_frame().
    void frame(float display_scale = 1);
    // "Reset layout": every window back where the layout puts it, the default windows open.
    void reset_layout() { layout_.reset(); }
    // The banner and every open window as drawn in the last frame.
    std::vector<AppWindowRect> windows() const;
    // [SECTION] Settings and step by step (the Settings and Training windows, window.ganvas)
    // A value for a setting, checked by the core: a live one applies now (recorded in the
    // recipe), a reset-only one is staged for reset_with_staged(). *staged says which.
    Status set_setting(const std::string& key, const std::string& text, bool* staged = nullptr);
    // A Reset that applies the staged settings (a plain Reset when none are staged).
    Status reset_with_staged() { return run(ui_settings_reset(&settings_)); }
    const SettingsState& settings_state() const { return settings_; }
    // Slow motion: Start then steps `steps_per_second` (> 0) whole iterations a second, the grid
    // after each; 0: full speed. Returns the speed in effect.
    double set_speed(double steps_per_second);
    const PaceState& pace() const { return pace_; }
    // Start as the Training window's button does: slow motion when a speed is set, else command::Start.
    Status play();
    // Pause, ending slow motion and "Run N steps" too.
    Status pause() {
        pace_.playing = false;
        pace_.run_left = 0;
        return run(command::Pause{});
    }
    // "Run N steps": iterations trained over the next frames at the speed (full: a budget per frame).
    void run_steps(int64_t count);
    // The whole frame's work time, measured by app_run_frame around events, frame() and present.
    void record_frame_work(double seconds) { driver_.record_frame_work(seconds); }

private:
    void upload_grid(const GreyImage& grid, RgbaTexture* texture);
    void upload_explorer();  // the digit and the interpolation strip, when they changed
    void upload_real_digits();  // the real-digit grid, when the session's images changed
    void download_digit();
    void update_diagnosis(const SessionStatus& status);  // scores when due; asks for the classifier
    void pace_frame();   // slow motion and Run N: the iterations due this frame
    void handle_keys();  // space, s, r (not while a text field has the keyboard)

    Session session_;
    CheckpointHooks hooks_;
    RgbaTexture samples_texture_, real_texture_;
    uint64_t uploaded_samples_ = 0;  // the session's samples_version() on the texture
    uint64_t uploaded_data_ = 0;     // the session's data_version() on real_texture_
    GreyImage grid_;
    std::vector<uint8_t> rgba_;
    ScreenRect samples_rect_, real_rect_;
    // The Digit window: its state, the digit and the strip (redrawn when A, B, the digit's
    // BatchNorm context or the snapshot change).
    ExplorerState explorer_;
    PaceState pace_;
    SettingsState settings_;
    double pace_step_seconds_ = 0;  // measured time of one iteration (Run N at full speed)
    RgbaTexture digit_texture_, strip_texture_;
    uint64_t uploaded_digit_ = 0, strip_ends_ = 0, strip_snapshot_ = 0;
    LinkBatchNorm strip_bn_;
    std::vector<float> strip_pixels_;
    // The layout (ui/layout.h): the keeper, the style it last set, where the windows were.
    LayoutKeeper layout_;
    LayoutMetrics styled_;
    bool have_style_ = false, digit_was_selected_ = false;
    LayoutKeeper::Report drawn_;
    std::array<float, kUiWindowCount> scroll_y_{};
    ScreenRect banner_rect_;
    bool banner_clipped_ = false;
    Diagnosis diagnosis_;
    SavedRunOffer saved_run_;  // step < 0: none
    size_t alerts_shown_ = 0;  // the Diagnosis window opens when the alerts grow
    // Declared last so it is destroyed first: its trainer thread stops before the session goes.
    Driver driver_;
};

// One frame of the shared main loop: events, the app's frame, present, and the frame's work
// time recorded in the app. With `capture`, the rendered frame is read back into it.
// Returns false once the user closed the window.
bool app_run_frame(Window& window, App& app, RgbaImage* capture = nullptr);

}  // namespace ganvas
