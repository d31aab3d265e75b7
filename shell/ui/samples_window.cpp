// samples_window.cpp - "Samples": G(z) for the 64 fixed z of the model's seed. A click on a cell
// selects that sample for the Digit window (command::SelectSample). See ui.h.
#include <algorithm>

#include "ui/ui.h"

namespace ganvas {

void ui_samples_window(const UiState& state, UiOutput* out) {
    out->samples_rect = ui_image_window(state, UiWindow::Samples, "G(z) for 64 fixed z; tap one to explore it",
                                        state.samples_texture, out);
    const ScreenRect& r = out->samples_rect;
    if (r.width <= 0 || !ImGui::IsMouseClicked(ImGuiMouseButton_Left)) return;
    ImGui::Begin("Samples");  // the same window again: was the click on it (not on one above)?
    const bool hovered = ImGui::IsWindowHovered();
    ImGui::End();
    const ImVec2 m = ImGui::GetIO().MousePos;
    if (!hovered || m.x < r.x || m.y < r.y || m.x >= r.x + r.width || m.y >= r.y + r.height) return;
    // Texture pixels under the mouse, then the cell (a cell and its gutter form one pitch).
    const float scale = r.width / float(state.samples_texture.width());
    const int pitch = kDigitSide + kGridGutter;
    const int col = std::min(kGridColumns - 1, int((m.x - r.x) / scale) / pitch);
    const int row = std::min(kGridColumns - 1, int((m.y - r.y) / scale) / pitch);
    out->commands.push_back(command::SelectSample{row * kGridColumns + col});
}

}  // namespace ganvas
