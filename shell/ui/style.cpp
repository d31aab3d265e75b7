// style.cpp - the look the app's windows share: colours, the style for the layout's metrics,
// placing a window where the layout says, image windows. See ui.h.
#include <algorithm>

#include "imgui_internal.h"  // the active id and the window's move id (drag to scroll)
#include "ui/ui.h"

namespace ganvas {

const ImVec4 kUiErrorColor(1.0f, 0.45f, 0.4f, 1.0f);
const ImVec4 kUiDimColor(0.65f, 0.65f, 0.7f, 1.0f);

void ui_apply_style(const LayoutMetrics& m) {
    ImGuiStyle style;
    ImGui::StyleColorsDark(&style);
    style.ScaleAllSizes(m.scale);
    style.FramePadding = ImVec2(m.frame_padding_x, m.frame_padding_y);
    style.WindowPadding = ImVec2(m.window_padding, m.window_padding);
    style.ItemSpacing = ImVec2(m.item_spacing_x, m.item_spacing_y);
    if (m.frame_padding_y > 3 * m.scale) {  // a phone: fingers need larger grabs and scroll bars
        style.GrabMinSize = 18 * m.scale;
        style.ScrollbarSize = 18 * m.scale;
        style.TouchExtraPadding = ImVec2(2 * m.scale, 2 * m.scale);
    }
    ImGui::GetStyle() = style;
    // On a phone a drag on a window's background scrolls it (ui_begin_window); windows move by
    // their title bars only.
    ImGui::GetIO().ConfigWindowsMoveFromTitleBarOnly = m.frame_padding_y > 3 * m.scale;
}

void ui_same_line_if_fits(const char* label) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float width = ImGui::CalcTextSize(label, nullptr, true).x + 2 * style.FramePadding.x;
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + style.ItemSpacing.x + width <= right) ImGui::SameLine();
}

bool ui_begin_window(const UiState& state, UiWindow window, UiOutput* out, ImGuiWindowFlags flags) {
    const size_t i = ui_window_index(window);
    if (state.layout != nullptr) {
        if (!state.layout->open[i]) return false;
        if (state.layout->apply[i]) {
            const LayoutRect& r = state.layout->layout.windows[i];
            ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
            ImGui::SetNextWindowSize(ImVec2(r.width, r.height), ImGuiCond_Always);
            ImGui::SetNextWindowCollapsed(false, ImGuiCond_Always);
        }
    }
    bool open = true;
    ImGui::Begin(ui_window_title(window), &open, flags);
    // A drag that began on the window's background (which then does not move the window: see
    // ui_apply_style) scrolls it, as a finger expects.
    const ImGuiContext& g = *ImGui::GetCurrentContext();
    const ImGuiWindow* current = ImGui::GetCurrentWindow();
    if (g.IO.ConfigWindowsMoveFromTitleBarOnly && g.ActiveId == current->MoveId && g.MovingWindow == nullptr &&
        ImGui::IsMouseDown(ImGuiMouseButton_Left))
        ImGui::SetScrollY(current->Scroll.y - g.IO.MouseDelta.y);
    const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
    out->windows.drawn[i] = true;
    out->scroll_y[i] = ImGui::GetScrollY();
    out->windows.rects[i] = LayoutRect{pos.x, pos.y, size.x, size.y};
    if (!open) out->set_open[i] = -1;
    return true;
}

ScreenRect ui_image_window(const UiState& state, UiWindow window, const char* caption, const RgbaTexture& texture,
                           UiOutput* out) {
    if (!ui_begin_window(state, window, out)) return {};
    ImGui::TextColored(kUiDimColor, "%s", caption);
    ScreenRect drawn;
    if (texture.empty()) {
        ImGui::TextColored(kUiErrorColor, "Nothing to show: see the status line in Training.");
    } else {
        const ImVec2 avail = ImGui::GetContentRegionAvail();
        const float scale = std::max(0.25f, std::min(avail.x / texture.width(), avail.y / texture.height()));
        ImGui::Image(texture.id(), ImVec2(texture.width() * scale, texture.height() * scale));
        const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
        drawn = ScreenRect{lo.x, lo.y, hi.x - lo.x, hi.y - lo.y};
    }
    ImGui::End();
    return drawn;
}

}  // namespace ganvas
