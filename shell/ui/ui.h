// ui.h - what every ImGui window of the app reads and what it may ask for.
//
// A window is one function in one file (ui/<name>_window.cpp): it reads the state of the frame
// (UiState: the session, const; the driver's figures; the textures the app uploaded) and writes
// what the user asked for into UiOutput (session commands, platform requests such as "save a
// file", where it drew an image). It never changes the session itself: the app forwards the
// commands to the Driver, which applies them in order (driver.h). Adding a window is a new file,
// one declaration below and one call in app.cpp; no other window changes.
#pragma once

#include <vector>

#include "driver.h"
#include "imgui.h"
#include "session.h"
#include "window.h"

namespace ganvas {

// Where an image was last drawn, in window (CSS) pixels.
struct ScreenRect {
    float x = 0, y = 0, width = 0, height = 0;
};

struct UiState {
    const Session& session;
    const SessionStatus& status;
    const DriverStatus& driver;
    const RgbaTexture& samples_texture;  // G(z) grid, uploaded by the app when it changes
    const RgbaTexture& real_texture;     // the real digits grid
    bool can_save_file = false;          // the platform has a "Save checkpoint" hook
    bool can_load_file = false;          // ... and a "Load checkpoint..." one
};

struct UiOutput {
    std::vector<SessionCommand> commands;  // in the order the user asked
    bool save_checkpoint_file = false;     // run the platform's save hook after this frame
    bool load_checkpoint_file = false;     // run the platform's load hook after this frame
    ScreenRect samples_rect, real_rect;    // where the grids landed (empty: not drawn)
};

// [SECTION] The windows (one file each)
void ui_training_window(const UiState& state, UiOutput* out);     // ui/training_window.cpp
void ui_losses_window(const UiState& state, UiOutput* out);       // ui/losses_window.cpp
void ui_samples_window(const UiState& state, UiOutput* out);      // ui/samples_window.cpp
void ui_real_digits_window(const UiState& state, UiOutput* out);  // ui/real_digits_window.cpp

// [SECTION] Shared look (ui/style.cpp)

// First-use layout for a 1280 x 800 canvas: a left column (Training over Losses) and the two
// grids side by side; nothing overlaps. Samples start at 2x, real digits at ~1.6x.
struct WindowLayout {
    ImVec2 pos, size;
};
void ui_place_next_window(const WindowLayout& layout);
extern const ImVec4 kUiErrorColor;
extern const ImVec4 kUiDimColor;
// A window showing one texture, fitted to the window with its aspect ratio kept. Returns where
// the image landed (empty when there is nothing to show).
ScreenRect ui_image_window(const char* title, const WindowLayout& layout, const char* caption,
                           const RgbaTexture& texture);

}  // namespace ganvas
