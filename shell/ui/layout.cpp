// layout.cpp - the arrangements and the keeper. See layout.h.
#include "ui/layout.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace ganvas {

namespace {

constexpr float kPhoneShortSide = 600;   // a screen whose short side is under this is a phone
constexpr float kWideEms = 62;           // Wide needs this many ems of width ...
constexpr float kWideHeightEms = 30;     // ... and this many of height under the banner
constexpr float kColumnsEms = 36;        // Columns needs this many ems of width
// DejaVu Sans Mono's advance is 1233 units; ImGui sizes a font by its ascent - descent (2384
// units), so a character is 0.5172 of the font size wide (rounded up).
constexpr float kCharEms = 0.5175f;
// The banner's two buttons' labels: "Start" (or "Pause") or "Show the digit", and "Windows".
constexpr int kBannerLabelChars = 5 + 7, kBannerLinkedLabelChars = 14 + 7;
constexpr float kBannerTextMinEms = 24;  // narrower than this beside the buttons: text above them

#if defined(__EMSCRIPTEN__)
#define GANVAS_WHERE "live in your browser"
#else
#define GANVAS_WHERE "live on this computer"
#endif
const char* const kBannerLines[] = {
    "Ganvas: a GAN learning to draw digits, " GANVAS_WHERE ". Press Start.",
    "Ganvas: a GAN learning to draw digits, " GANVAS_WHERE ". Watch it learn.",
    "This digit was drawn by a GAN; it is being rebuilt from its recipe...",
    "This digit was drawn by a GAN, rebuilt here from its recipe. Try Randomize.",
};
#undef GANVAS_WHERE

// Lines `text` takes wrapped at `columns` characters, breaking at spaces as ImGui does.
int wrapped_lines(const char* text, int columns) {
    columns = std::max(1, columns);
    int lines = 1, used = 0;
    for (const char* p = text; *p != 0;) {
        while (*p == ' ') ++p;
        const char* end = p;
        while (*end != 0 && *end != ' ') ++end;
        const int word = int(end - p);
        if (word == 0) break;
        if (used > 0 && used + 1 + word <= columns) {
            used += 1 + word;
        } else {
            if (used > 0) ++lines;
            lines += (word - 1) / columns;  // a word longer than a line breaks inside
            used = (word - 1) % columns + 1;
        }
        p = end;
    }
    return lines;
}

// One window of a stack: the height it would like and the least it can do with.
struct Wish {
    UiWindow window;
    float want, least;
};

// Heights for `wishes` stacked in `height` (gaps between): every window its want when all fit;
// else each its least, and what is left goes to the windows in order, up to their want; when
// even the leasts do not fit, they shrink in proportion.
std::vector<float> stack_heights(const std::vector<Wish>& wishes, float height, float gap) {
    std::vector<float> h;
    if (wishes.empty()) return h;
    const float room = std::max(0.0f, height - gap * float(wishes.size() - 1));
    float want = 0, least = 0;
    for (const Wish& w : wishes) {
        want += w.want;
        least += w.least;
    }
    for (const Wish& w : wishes) h.push_back(want <= room ? w.want : least >= room ? w.least * room / least : w.least);
    if (want > room && least < room) {
        float spare = room - least;
        for (size_t i = 0; i < wishes.size(); ++i) {
            const float more = std::min(spare, wishes[i].want - wishes[i].least);
            h[i] += more;
            spare -= more;
        }
    }
    return h;
}

LayoutRect whole(float x, float y, float width, float height) {
    const float x0 = std::ceil(x), y0 = std::ceil(y);
    return LayoutRect{x0, y0, std::max(0.0f, std::floor(x + width) - x0), std::max(0.0f, std::floor(y + height) - y0)};
}

void place_stack(const std::vector<Wish>& wishes, float x, float y, float width, float height, float gap,
                 Layout* layout) {
    const std::vector<float> h = stack_heights(wishes, height, gap);
    for (size_t i = 0; i < wishes.size(); ++i) {
        layout->windows[size_t(ui_window_index(wishes[i].window))] = whole(x, y, width, h[i]);
        y += h[i] + gap;
    }
}

// What each window would like, at a width.
struct Wishes {
    LayoutMetrics m;
    float grid_chrome() const { return m.title() + 2 * m.window_padding + m.line(); }  // title, caption
    float grid_height(float width) const { return width - 2 * m.window_padding + grid_chrome(); }  // a square grid
    float grid_width(float height) const { return height - grid_chrome() + 2 * m.window_padding; }
    float body(float lines) const { return m.title() + 2 * m.window_padding + lines * m.line(); }

    Wish of(UiWindow w, float width, bool linked) const {
        switch (w) {
        case UiWindow::Training:  // its least: the Start row and a line of the rest
            return {w, body(17), m.title() + 2 * m.window_padding + m.title()};
        case UiWindow::Losses:
            return {w, body(14), body(2)};
        case UiWindow::Samples:  // at least 6 em of grid (a cell about 0.7 em)
            return {w, grid_height(width), grid_chrome() + 6 * m.text};
        case UiWindow::RealDigits:
            return {w, grid_height(width), grid_chrome() + 3 * m.text};
        case UiWindow::Digit:  // the digit (112 px), its z, three rows of buttons, the link row
            return {w, body(linked ? 8 : 7) + 112 * m.scale, body(3)};
        case UiWindow::Diagnosis:  // alerts, the histogram and six plots; at least its title bar (it scrolls)
            return {w, body(30), m.title()};
        case UiWindow::Settings:  // a row per setting and the reset row; at least its title bar (it scrolls)
            return {w, body(20), m.title()};
        }
        return {w, 0, 0};
    }
};

}  // namespace

const char* ui_window_title(UiWindow window) {
    switch (window) {
    case UiWindow::Training: return "Training";
    case UiWindow::Losses: return "Losses";
    case UiWindow::Samples: return "Samples";
    case UiWindow::RealDigits: return "Real digits";
    case UiWindow::Digit: return "Digit";
    case UiWindow::Diagnosis: return "Diagnosis";
    case UiWindow::Settings: return "Settings";
    }
    return "?";
}

float layout_text_size(float width, float height, float display_scale) {
    const float scale = display_scale > 0 ? display_scale : 1;
    const bool phone = std::min(width, height) < kPhoneShortSide * scale;
    return std::round((phone ? 17.0f : 15.0f) * scale);
}

LayoutMetrics layout_metrics(float width, float height, float display_scale) {
    const float s = display_scale > 0 ? display_scale : 1;
    LayoutMetrics m;
    m.scale = s;
    m.text = layout_text_size(width, height, s);
    const bool phone = std::min(width, height) < kPhoneShortSide * s;
    m.frame_padding_y = std::round((phone ? 6.0f : 3.0f) * s);  // taller buttons and sliders for fingers
    m.frame_padding_x = std::round((phone ? 8.0f : 4.0f) * s);
    m.window_padding = std::round(8 * s);
    m.item_spacing_y = std::round((phone ? 6.0f : 4.0f) * s);
    m.item_spacing_x = std::round(8 * s);
    m.gap = std::round(6 * s);
    return m;
}

const char* layout_banner_text(BannerLine line) { return kBannerLines[static_cast<int>(line)]; }

namespace {

// The banner's height and lines: the text beside the buttons when there is room, else above them.
float banner_height(const LayoutMetrics& m, float width, bool linked, int* lines_out, bool* beside_out) {
    const float inner = width - 2 * m.gap - 2 * m.window_padding;
    // Two buttons (label + padding each), each followed by ImGui's item spacing.
    const float buttons = float(linked ? kBannerLinkedLabelChars : kBannerLabelChars) * kCharEms * m.text +
                          4 * m.frame_padding_x + 2 * m.item_spacing_x;
    const BannerLine a = linked ? BannerLine::LinkRebuilding : BannerLine::Idle;
    const BannerLine b = linked ? BannerLine::LinkShown : BannerLine::Training;
    const bool beside = inner - buttons >= kBannerTextMinEms * m.text;
    *beside_out = beside;
    // Two pixels to spare: the wrap must not depend on the last pixel.
    const int columns = int(std::floor(((beside ? inner - buttons : inner) - 2) / (kCharEms * m.text)));
    const int lines = std::max(wrapped_lines(layout_banner_text(a), columns), wrapped_lines(layout_banner_text(b), columns));
    *lines_out = lines;
    const float text_height = float(lines) * m.text;
    const float height = beside ? std::max(text_height, m.title()) : text_height + m.item_spacing_y + m.title();
    return std::ceil(height + 2 * m.window_padding + 2);
}

}  // namespace

WindowFlags layout_default_open(float width, float height, float display_scale, bool linked_digit) {
    WindowFlags open;
    open.fill(true);
    open[ui_window_index(UiWindow::Diagnosis)] = false;  // opened at the first alert, or from the menu
    open[ui_window_index(UiWindow::Settings)] = false;   // opened from the menu
    const LayoutMetrics m = layout_metrics(width, height, display_scale);
    int lines = 1;
    bool beside = true;
    const float room = height - banner_height(m, width, linked_digit, &lines, &beside) - 3 * m.gap;
    const bool wide = width >= kWideEms * m.text && room >= kWideHeightEms * m.text;
    // Outside Wide, a stack of five is a stack of title bars: start with what a stranger needs.
    if (!wide && room < 50 * m.text) {
        open[ui_window_index(UiWindow::Losses)] = false;
        open[ui_window_index(UiWindow::RealDigits)] = false;
        open[ui_window_index(UiWindow::Digit)] = linked_digit;
    }
    return open;
}

Layout layout_compute(const LayoutInput& in) {
    Layout layout;
    const LayoutMetrics m = layout_metrics(in.width, in.height, in.display_scale);
    layout.metrics = m;
    const bool linked = in.linked_digit;
    const auto open = [&](UiWindow w) { return in.open[ui_window_index(w)]; };

    layout.banner = whole(m.gap, m.gap, in.width - 2 * m.gap,
                          banner_height(m, in.width, linked, &layout.banner_lines, &layout.banner_text_beside));
    const float left = m.gap, top = layout.banner.y + layout.banner.height + m.gap;
    const float room_w = std::max(0.0f, in.width - 2 * m.gap), room_h = std::max(0.0f, in.height - top - m.gap);
    const Wishes wishes{m};

    // The order a stranger needs: the first window, then the one that explains it, then the rest.
    const UiWindow first = linked ? UiWindow::Digit : UiWindow::Samples;
    const UiWindow second = linked ? UiWindow::Samples : UiWindow::Digit;
    const UiWindow order[] = {first, second, UiWindow::Training, UiWindow::Losses, UiWindow::RealDigits,
                              UiWindow::Diagnosis, UiWindow::Settings};

    if (in.width >= kWideEms * m.text && room_h >= kWideHeightEms * m.text) {
        layout.mode = LayoutMode::Wide;
        const bool has_left = open(UiWindow::Training) || open(UiWindow::Losses) || open(UiWindow::Diagnosis) ||
                              open(UiWindow::Settings);
        const bool has_right = open(UiWindow::Samples) || open(UiWindow::RealDigits) || open(UiWindow::Digit);
        const float left_w = !has_right ? room_w : has_left ? std::clamp(26 * m.text, 20 * m.text, 0.34f * room_w) : 0;
        std::vector<Wish> column;
        for (UiWindow w : {UiWindow::Training, UiWindow::Diagnosis, UiWindow::Settings, UiWindow::Losses})  // room before Losses
            if (open(w)) column.push_back(wishes.of(w, left_w, linked));
        place_stack(column, left, top, left_w, room_h, m.gap, &layout);

        // The right side: a row of the grids and the Digit window (under them, or over them
        // while a linked digit is shown).
        const float x = has_left ? left + left_w + m.gap : left;
        const float w = has_left ? room_w - left_w - m.gap : room_w;
        const bool grids = open(UiWindow::Samples) || open(UiWindow::RealDigits);
        const bool both = open(UiWindow::Samples) && open(UiWindow::RealDigits);
        float digit_h = 0;
        if (open(UiWindow::Digit))
            digit_h = !grids ? room_h : linked ? std::max(0.45f * room_h, wishes.of(UiWindow::Digit, w, true).want)
                                               : 0.36f * room_h;
        digit_h = std::min(digit_h, grids ? room_h - wishes.grid_chrome() - 6 * m.text - m.gap : room_h);
        float row_h = grids ? room_h - (digit_h > 0 ? digit_h + m.gap : 0) : 0;
        // Square grids: Samples as wide as the row is high (at most 55% of the side when both show),
        // Real digits the rest, no larger than Samples.
        const float samples_w = std::min(wishes.grid_width(row_h), both ? 0.55f * w : w);
        const float real_w = both ? std::min(samples_w, w - samples_w - m.gap) : samples_w;
        const float grid_h = std::min(row_h, wishes.grid_height(samples_w));
        if (open(UiWindow::Digit) && grids) digit_h = room_h - grid_h - m.gap;  // the Digit window takes the rest
        row_h = grid_h;
        const float grid_y = linked && digit_h > 0 ? top + digit_h + m.gap : top;
        const float digit_y = linked || !grids ? top : top + row_h + m.gap;
        float gx = x;
        if (open(UiWindow::Samples)) {
            layout.windows[ui_window_index(UiWindow::Samples)] = whole(gx, grid_y, samples_w, row_h);
            gx += samples_w + m.gap;
        }
        if (open(UiWindow::RealDigits))
            layout.windows[ui_window_index(UiWindow::RealDigits)] =
                whole(gx, grid_y, real_w, std::min(row_h, wishes.grid_height(real_w)));
        if (open(UiWindow::Digit)) layout.windows[ui_window_index(UiWindow::Digit)] = whole(x, digit_y, w, digit_h);
    } else if (in.width >= kColumnsEms * m.text) {
        layout.mode = LayoutMode::Columns;
        // The first open window alone on the left: a grid as square as the height allows.
        UiWindow first_open = first;
        for (UiWindow w : order)
            if (open(w)) {
                first_open = w;
                break;
            }
        const UiWindow first = first_open;
        std::vector<Wish> rest;
        for (UiWindow w : order)
            if (w != first && open(w)) rest.push_back(Wish{w, 0, 0});
        float first_w = 0;
        if (open(first)) {
            const bool grid = first == UiWindow::Samples || first == UiWindow::RealDigits;
            first_w = grid ? wishes.grid_width(room_h) : 0.5f * room_w;
            first_w = std::clamp(first_w, std::min(16 * m.text, 0.5f * room_w), rest.empty() ? room_w : 0.55f * room_w);
            const float first_h = grid ? std::min(room_h, wishes.grid_height(first_w)) : room_h;
            layout.windows[ui_window_index(first)] = whole(left, top, first_w, first_h);
        }
        const float x = first_w > 0 ? left + first_w + m.gap : left;
        const float w = first_w > 0 ? room_w - first_w - m.gap : room_w;
        for (Wish& wish : rest) wish = wishes.of(wish.window, w, linked);
        place_stack(rest, x, top, w, room_h, m.gap, &layout);
    } else {
        layout.mode = LayoutMode::Stacked;
        std::vector<Wish> stack;
        for (UiWindow w : order)
            if (open(w)) stack.push_back(wishes.of(w, room_w, linked));
        place_stack(stack, left, top, room_w, room_h, m.gap, &layout);
    }
    return layout;
}

// [SECTION] LayoutKeeper

const LayoutKeeper::Frame& LayoutKeeper::begin_frame(float width, float height, float display_scale,
                                                     bool linked_digit) {
    if (!open_chosen_) open_ = layout_default_open(width, height, display_scale, linked_digit);
    if (linked_digit && !last_linked_) {  // a link was opened: its digit first, wherever it was
        const size_t digit = ui_window_index(UiWindow::Digit);
        open_[digit] = true;
        moved_[digit] = false;
        replace_[digit] = true;
    }
    last_linked_ = linked_digit;
    LayoutInput input;
    input.width = width;
    input.height = height;
    input.display_scale = display_scale;
    input.open = open_;
    input.linked_digit = linked_digit;
    bool again = false;
    for (bool r : replace_) again = again || r;
    frame_.recomputed = !have_last_ || input != last_ || reset_pending_ || again;
    frame_.apply.fill(false);
    if (frame_.recomputed) {
        if (reset_pending_) moved_.fill(false);
        frame_.layout = layout_compute(input);
        for (size_t i = 0; i < size_t(kUiWindowCount); ++i) frame_.apply[i] = open_[i] && !moved_[i];
    }
    frame_.open = open_;
    replace_.fill(false);
    reset_pending_ = false;
    last_ = input;
    have_last_ = true;
    return frame_;
}

void LayoutKeeper::end_frame(const Report& report) {
    for (size_t i = 0; i < size_t(kUiWindowCount); ++i) {
        if (!report.drawn[i]) continue;
        const LayoutRect& r = report.rects[i];
        if (frame_.apply[i]) {
            placed_[i] = r;  // where ImGui put it (it rounds), the reference for "moved"
            continue;
        }
        const LayoutRect& p = placed_[i];
        if (std::fabs(r.x - p.x) > 1 || std::fabs(r.y - p.y) > 1 || std::fabs(r.width - p.width) > 1 ||
            std::fabs(r.height - p.height) > 1)
            moved_[i] = true;
    }
}

void LayoutKeeper::set_open(UiWindow window, bool open) {
    const size_t i = ui_window_index(window);
    if (open_[i] == open) return;
    open_chosen_ = true;
    open_[i] = open;
}

void LayoutKeeper::show(UiWindow window) {
    set_open(window, true);
    const size_t i = ui_window_index(window);
    moved_[i] = false;
    replace_[i] = true;
}

void LayoutKeeper::reset() {
    reset_pending_ = true;
    open_chosen_ = false;
}

}  // namespace ganvas
