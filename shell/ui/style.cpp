// style.cpp - the look the app's windows share: colours, first-use placement, image windows. See ui.h.
#include <algorithm>

#include "ui/ui.h"

namespace ganvas {

const ImVec4 kUiErrorColor(1.0f, 0.45f, 0.4f, 1.0f);
const ImVec4 kUiDimColor(0.65f, 0.65f, 0.7f, 1.0f);

void ui_place_next_window(const WindowLayout& layout) {
    ImGui::SetNextWindowPos(layout.pos, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(layout.size, ImGuiCond_FirstUseEver);
}

ScreenRect ui_image_window(const char* title, const WindowLayout& layout, const char* caption,
                           const RgbaTexture& texture) {
    ui_place_next_window(layout);
    ImGui::Begin(title);
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
