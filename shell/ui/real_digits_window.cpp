// real_digits_window.cpp - "Real digits": 64 of the images G learns from, which they are, and
// "Load images..." for the user's own (IDX files, gzip or not: command::LoadData). See ui.h.
#include <string>

#include "base/hash.h"
#include "ui/ui.h"

namespace ganvas {

void ui_real_digits_window(const UiState& state, UiOutput* out) {
    if (!ui_begin_window(state, UiWindow::RealDigits, out)) return;
    const SessionStatus& s = state.status;
    if (s.data_count > 0)
        ImGui::TextColored(kUiDimColor, "64 of %s G learns from (%d%s)", s.data_name.c_str(), s.data_count,
                           s.data_labels ? ", labelled" : "");
    ImGui::BeginDisabled(!state.can_load_data || s.rebuild.active);
    if (ImGui::SmallButton("Load images...")) out->load_data_file = true;
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip(state.can_load_data
                              ? "Train on your own 28x28 grey images: IDX files (gzip or not), images and\n"
                                "optionally labels, e.g. Fashion-MNIST. Or drop them onto the page.\n"
                                "A fresh model trains on them; anything else is refused and the run kept."
                              : "On the desktop: start ganvas-desktop with --data <images> [--labels <labels>].");
    if (s.data_hash != 0) {
        ui_same_line_if_fits("content hash 0123456789abcdef");
        ImGui::TextColored(kUiDimColor, "content hash %s", hash_hex(s.data_hash).c_str());
    }
    if (state.real_texture.empty()) {
        ImGui::TextColored(kUiErrorColor, "Nothing to show: see the status line in Training.");
    } else {
        const RgbaTexture& texture = state.real_texture;
        const ImVec2 avail = ImGui::GetContentRegionAvail();
        const float scale = std::max(0.25f, std::min(avail.x / texture.width(), avail.y / texture.height()));
        ImGui::Image(texture.id(), ImVec2(texture.width() * scale, texture.height() * scale));
        const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
        out->real_rect = ScreenRect{lo.x, lo.y, hi.x - lo.x, hi.y - lo.y};
    }
    ImGui::End();
}

}  // namespace ganvas
