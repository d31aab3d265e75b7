// layout.h - where the app's windows go on a screen of any size: a pure function from the canvas
// size to each window's rectangle, and the small keeper that applies it without undoing what
// the user moved.
//
// No ImGui here (tests/test_layout.cpp checks it natively): sizes are logical pixels (CSS pixels
// in the browser, SDL window units on the desktop); y grows downwards; (0, 0) is the top left.
//
// The three arrangements (layout_compute):
//   Wide      (width >= 62 em, room for 30 em of height): a left column of Training over (Diagnosis
//             over) (Settings over) Losses,
//             and on the right the two grids side by side over the Digit window (the Digit
//             window on top of the grids while a linked digit is shown). The 1280 x 800 look.
//   Columns   (width >= 36 em): the first window (Samples, or Digit while a linked digit is
//             shown) alone on the left, as square as the height allows; the rest stacked on the
//             right. A phone turned sideways (844 x 390).
//   Stacked   (narrower): one column, full width, first window on top. A phone (390 x 844).
// A stack gives each window the height it wants, in order, as long as there is room; the
// windows after it get at least their minimum (Training's minimum shows its Start button), so
// every open window lies inside the canvas. On top of everything: the banner (one line that
// says what Ganvas is, the one button that matters, and the Windows menu with Reset layout).
//
// Text: 15 px (17 px when the screen's short side is under 600 px: a phone), times the
// display scale (the desktop's DPI / 96; 1 in the browser, where the device pixel ratio only
// sharpens the font, it does not enlarge it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace ganvas {

// The windows the layout places (the banner and menu bar are placed too, but always open).
// Diagnosis (shell/ui/diagnosis_window.cpp) starts closed; the app opens it at the first alert.
// Settings (shell/ui/settings_window.cpp) starts closed; the banner's Windows menu opens it.
enum class UiWindow : int { Training = 0, Losses, Samples, RealDigits, Digit, Diagnosis, Settings };
constexpr int kUiWindowCount = 7;
// "Training", "Losses", "Samples", "Real digits", "Digit", "Diagnosis", "Settings"
const char* ui_window_title(UiWindow window);
inline size_t ui_window_index(UiWindow window) { return static_cast<size_t>(window); }
using WindowFlags = std::array<bool, kUiWindowCount>;  // indexed by ui_window_index

struct LayoutRect {
    float x = 0, y = 0, width = 0, height = 0;
    bool operator==(const LayoutRect& o) const {
        return x == o.x && y == o.y && width == o.width && height == o.height;
    }
    bool operator!=(const LayoutRect& o) const { return !(*this == o); }
};

struct LayoutInput {
    float width = 1280, height = 800;  // the canvas, logical pixels
    float display_scale = 1;           // text and spacing grow with it (desktop DPI / 96)
    WindowFlags open{};                // which windows are open
    bool linked_digit = false;         // a shared link's digit is shown (or being rebuilt)
    bool operator==(const LayoutInput& o) const {
        return width == o.width && height == o.height && display_scale == o.display_scale && open == o.open &&
               linked_digit == o.linked_digit;
    }
    bool operator!=(const LayoutInput& o) const { return !(*this == o); }
};

enum class LayoutMode { Wide, Columns, Stacked };

// The style metrics the layout assumes; the app sets ImGui's style from them (ui/style.cpp).
struct LayoutMetrics {
    float scale = 1;          // the display scale
    float text = 15;          // font size
    float frame_padding_x = 4, frame_padding_y = 3;
    float item_spacing_x = 8;
    float window_padding = 8;
    float item_spacing_y = 4;
    float gap = 6;            // between windows and at the canvas edges
    float title() const { return text + 2 * frame_padding_y; }   // a title bar, a button
    float line() const { return text + item_spacing_y + 2; }      // one line of content, spacing included
    bool operator==(const LayoutMetrics& o) const {
        return scale == o.scale && text == o.text && frame_padding_x == o.frame_padding_x &&
               frame_padding_y == o.frame_padding_y && item_spacing_x == o.item_spacing_x &&
               window_padding == o.window_padding && item_spacing_y == o.item_spacing_y && gap == o.gap;
    }
    bool operator!=(const LayoutMetrics& o) const { return !(*this == o); }
};

struct Layout {
    LayoutMode mode = LayoutMode::Wide;
    LayoutMetrics metrics;
    LayoutRect banner;                            // at the top, full width
    int banner_lines = 1;                         // lines the banner's text was given
    bool banner_text_beside = true;               // its text beside its buttons (else above them)
    std::array<LayoutRect, kUiWindowCount> windows{};  // zero size for a closed window
};

// Font size (logical pixels) for a canvas and display scale (see the top of the file).
float layout_text_size(float width, float height, float display_scale);
// The style metrics at a canvas size and display scale.
LayoutMetrics layout_metrics(float width, float height, float display_scale);
// The banner's line: what a stranger reads first. Idle (ready, press Start) or training; a linked
// digit being rebuilt or shown. The layout makes room for the longest of each pair.
enum class BannerLine { Idle, Training, LinkRebuilding, LinkShown };
const char* layout_banner_text(BannerLine line);
// Which windows start open: all of them where there is room; on short or narrow screens only
// the first window and Training (and the Digit window while a linked digit is shown).
WindowFlags layout_default_open(float width, float height, float display_scale, bool linked_digit);
// The rectangles (whole pixels) of the menu bar, the banner and every open window.
Layout layout_compute(const LayoutInput& input);

// Applies the layout frame after frame while keeping what the user moved (the rule):
//   - the layout is recomputed when its input changes: the canvas size (a resize, a phone
//     turned sideways), the display scale, the open windows, a linked digit shown or gone;
//   - then every window the user has not moved or resized since the layout last placed it is
//     placed again (once: the app applies it with ImGuiCond_Always in that frame only);
//   - a window whose rectangle differs (by more than a pixel) from where the layout placed it,
//     in a frame the layout did not place it, was moved or resized by the user: it is left where
//     the user put it for the rest of the session;
//   - reset() (the "Reset layout" command) forgets the user's moves and the open windows they
//     chose: every window is placed again, the default windows open.
// Until the user opens or closes a window, the open windows follow layout_default_open.
class LayoutKeeper {
public:
    struct Frame {
        Layout layout;
        WindowFlags open{};   // which windows to draw this frame
        WindowFlags apply{};  // place these now (ImGuiCond_Always)
        bool recomputed = false;
    };
    // Where each window really was this frame (after ImGui::Begin), and whether it was drawn.
    struct Report {
        WindowFlags drawn{};
        std::array<LayoutRect, kUiWindowCount> rects{};
    };

    // The layout for this frame; call once per frame before the windows.
    const Frame& begin_frame(float width, float height, float display_scale, bool linked_digit);
    // What this frame's windows did; call once after them.
    void end_frame(const Report& report);

    void set_open(UiWindow window, bool open);  // the Windows menu, a window's close button
    void show(UiWindow window);                 // open it and place it again
    void reset();                               // "Reset layout"
    const Frame& frame() const { return frame_; }
    bool moved(UiWindow window) const { return moved_[ui_window_index(window)]; }

private:
    Frame frame_;
    LayoutInput last_;
    bool have_last_ = false, reset_pending_ = false, open_chosen_ = false, last_linked_ = false;
    WindowFlags open_{}, moved_{}, replace_{};
    std::array<LayoutRect, kUiWindowCount> placed_{};
};

}  // namespace ganvas
