// ui.h - what every ImGui window of the app reads and what it may ask for.
//
// A window is one function in one file (ui/<name>_window.cpp): it reads the state of the frame
// (UiState: the session, const; the driver's figures; the textures the app uploaded) and writes
// what the user asked for into UiOutput (session commands, platform requests such as "save a
// file", where it drew an image). It never changes the session itself: the app forwards the
// commands to the Driver, which applies them in order (driver.h). Adding a window is a new file,
// one declaration below and one call in app.cpp; no other window changes.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "driver.h"
#include "imgui.h"
#include "session.h"
#include "ui/layout.h"
#include "window.h"

namespace ganvas {

class Diagnosis;  // diagnosis.h

// Where an image was last drawn, in window (CSS) pixels.
struct ScreenRect {
    float x = 0, y = 0, width = 0, height = 0;
};

// The Digit window's own state between frames (A/B picks, the slerp t, the walk, the link box).
// The app keeps it; only ui_explorer_window writes it (UiState::explorer).
struct ExplorerState {
    bool have_a = false, have_b = false;
    LinkZ a, b;                           // the interpolation's ends
    uint64_t ends_version = 0;            // grows whenever a or b changes (the app redraws the strip)
    float t = 0.5f;                       // where the digit is on the strip (after "Show t")
    bool walk = false;                    // the animated latent walk: t back and forth
    float walk_direction = 1;
    uint64_t draws = 0;                   // counts Randomize / Nudge (their random seeds)
    std::array<char, 4096> link_text{};   // the "Open link" box
    float zoom = 4;                       // the digit drawn zoom x 28 pixels wide (2..12)
};

// The interpolation strip: kStripSteps digits from A to B (t = k / (kStripSteps - 1)).
constexpr int kStripSteps = 8;
// The z at t between a and b: a compact Slerp when both ends are seeded, else Raw values.
LinkZ explorer_slerp_z(const LinkZ& a, const LinkZ& b, float t, int latent_dim);  // ui/explorer_window.cpp

// A run the platform kept from an earlier visit (the page keeps the current run in IndexedDB).
struct SavedRunOffer {
    int64_t step = -1;     // < 0: nothing to offer
    std::string saved_at;  // when it was kept, as the platform words it ("12:03")
};

// Step by step (the Training window's controls, paced by the app each frame: App::frame).
// A speed below full turns Start into slow motion: the app then steps whole iterations at
// that rate itself (the session stays paused between them) and refreshes the grid after each.
constexpr float kPaceMaxStepsPerSecond = 60;   // the slider's top; beyond it: full speed
struct PaceState {
    float steps_per_second = 0;  // 0: full speed (the driver trains); else slow motion
    bool playing = false;        // slow-motion play (Start with a speed set)
    int64_t run_left = 0;        // "Run N steps": iterations still to do
    int run_count = 100;         // the N box
    double credit = 0;           // iterations due, fractional (slow motion)
    double last_seconds = -1;    // when the app last paced
};

// The Settings window's state between frames: reset-only values staged for the next Reset,
// and the refusal shown next to each field. The app keeps it; only ui_settings_window writes it.
struct SettingsState {
    std::map<std::string, std::string> staged;  // key -> text, applied by Reset (with a confirmation)
    std::map<std::string, std::string> errors;  // key -> why the last value typed was refused
};

struct UiState {
    const Session& session;
    const SessionStatus& status;
    const DriverStatus& driver;
    const RgbaTexture& samples_texture;  // G(z) grid, uploaded by the app when it changes
    const RgbaTexture& real_texture;     // the real digits grid
    bool can_save_file = false;          // the platform has a "Save checkpoint" hook
    bool can_load_file = false;          // ... and a "Load checkpoint..." one
    const RgbaTexture* digit_texture = nullptr;  // the selected digit (28 x 28), when selected
    const RgbaTexture* strip_texture = nullptr;  // the interpolation strip, when A and B are picked
    ExplorerState* explorer = nullptr;           // the Digit window's own state
    bool can_load_shipped = false;               // the platform can load the shipped generator
    bool can_download_png = false;               // ... and save a PNG
    const LayoutKeeper::Frame* layout = nullptr; // where the windows go this frame (ui_begin_window)
    const Diagnosis* diagnosis = nullptr;        // the live diagnosis (points, alerts), when the app has one
    const SavedRunOffer* saved_run = nullptr;    // a kept run to offer (the Resume window), when there is one
    PaceState* pace = nullptr;                   // step by step (the Training window writes it)
    SettingsState* settings = nullptr;           // the Settings window's own state
    bool can_load_data = false;                  // the platform can open the user's images
};

struct UiOutput {
    std::vector<SessionCommand> commands;  // in the order the user asked
    bool save_checkpoint_file = false;     // run the platform's save hook after this frame
    bool load_checkpoint_file = false;     // run the platform's load hook after this frame
    ScreenRect samples_rect, real_rect;    // where the grids landed (empty: not drawn)
    bool load_shipped_generator = false;   // run the platform's shipped-generator hook
    bool download_digit_png = false;       // save the digit as a PNG (the platform's hook)
    std::string copy_text;                 // put this on the clipboard (non-empty: a request)
    // The layout's side (layout.h): where each window really is, and what the user asked for.
    LayoutKeeper::Report windows;          // filled by ui_begin_window
    std::array<float, kUiWindowCount> scroll_y{};  // ... and how far each is scrolled down
    ScreenRect banner_rect;                // where the banner is
    bool banner_clipped = false;           // its text and buttons took more height than it has
    std::array<int, kUiWindowCount> set_open{};  // +1 open, -1 close (the Windows menu, a close button)
    bool reset_layout = false;             // "Reset layout"
    bool show_digit = false;               // the banner's "Show the digit": open and place it again
    int saved_run_choice = 0;              // the Resume window: +1 resume the kept run, -1 start over
    bool load_data_file = false;           // run the platform's load_data hook after this frame
};

// [SECTION] The windows (one file each)
void ui_banner(const UiState& state, UiOutput* out);              // ui/banner_window.cpp (one line, one button)
void ui_training_window(const UiState& state, UiOutput* out);     // ui/training_window.cpp
void ui_losses_window(const UiState& state, UiOutput* out);       // ui/losses_window.cpp
void ui_samples_window(const UiState& state, UiOutput* out);      // ui/samples_window.cpp
void ui_real_digits_window(const UiState& state, UiOutput* out);  // ui/real_digits_window.cpp
void ui_explorer_window(const UiState& state, UiOutput* out);     // ui/explorer_window.cpp ("Digit")
void ui_diagnosis_window(const UiState& state, UiOutput* out);    // ui/diagnosis_window.cpp
void ui_resume_window(const UiState& state, UiOutput* out);       // ui/resume_window.cpp (a modal)
void ui_settings_window(const UiState& state, UiOutput* out);     // ui/settings_window.cpp
// A value typed for `key` (the Settings window, window.ganvas.setSetting): checked by the core
// (with the other staged values); a live one adds its command::ChangeSetting to *commands, a
// reset-only one is staged in *st. Refused: the reason, also kept in st->errors[key].
Status ui_settings_enter(const Session& session, SettingsState* st, const std::string& key, const std::string& text,
                         std::vector<SessionCommand>* commands);
// The Reset that applies the staged values (and clears them): after the confirmation.
command::Reset ui_settings_reset(SettingsState* st);
// The keys (space start/pause, s step, r reset) and their help line (ui/training_window.cpp).
extern const char* const kUiKeysHelp;

// [SECTION] Shared look (ui/style.cpp)

// Begins window `window` where the layout puts it: with ImGuiCond_Always in a frame the layout
// placed it again (LayoutKeeper's rule: re-placed on a new canvas size unless the user moved it),
// else where ImGui has it. Returns false, without beginning it, when the window is closed; else
// call ImGui::End() as usual. Records where the window is and its close button in `out`.
bool ui_begin_window(const UiState& state, UiWindow window, UiOutput* out, ImGuiWindowFlags flags = 0);
// ImGui::SameLine() when a button labelled `label` still fits on the current line, else nothing
// (the button starts a new line): rows of buttons that wrap on narrow windows.
void ui_same_line_if_fits(const char* label);
// ImGui's style for the layout's metrics (sizes from ImGui's dark style, scaled; paddings from
// the layout, larger on phones).
void ui_apply_style(const LayoutMetrics& metrics);
extern const ImVec4 kUiErrorColor;
extern const ImVec4 kUiDimColor;
// A window showing one texture, fitted to the window with its aspect ratio kept. Returns where
// the image landed (empty when there is nothing to show).
ScreenRect ui_image_window(const UiState& state, UiWindow window, const char* caption, const RgbaTexture& texture,
                           UiOutput* out);

}  // namespace ganvas
