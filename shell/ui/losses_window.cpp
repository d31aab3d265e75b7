// losses_window.cpp - "Losses": the D and G loss of every step so far (bounded history). See ui.h.
#include <algorithm>
#include <cfloat>
#include <cstdio>

#include "ui/ui.h"

namespace ganvas {

void ui_losses_window(const UiState& state, UiOutput* out) {
    if (!ui_begin_window(state, UiWindow::Losses, out)) return;
    const TrainingHistory& history = state.session.history();
    const std::vector<float>& d = history.d_loss();
    const std::vector<float>& g = history.g_loss();
    ImGui::TextColored(kUiDimColor, "%d points, %d step%s each", int(d.size()), history.steps_per_point(),
                       history.steps_per_point() == 1 ? "" : "s");
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImVec2 plot_size(avail.x, std::max(40.0f, (avail.y - 2 * ImGui::GetTextLineHeight() - 3 * spacing) / 2));
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, "last %.4f", d.empty() ? 0.0f : d.back());
    ImGui::TextUnformatted("D loss");
    ImGui::PlotLines("##d_loss", d.data(), int(d.size()), 0, overlay, FLT_MAX, FLT_MAX, plot_size);
    std::snprintf(overlay, sizeof overlay, "last %.4f", g.empty() ? 0.0f : g.back());
    ImGui::TextUnformatted("G loss");
    ImGui::PlotLines("##g_loss", g.data(), int(g.size()), 0, overlay, FLT_MAX, FLT_MAX, plot_size);
    ImGui::End();
}

}  // namespace ganvas
