// losses_window.cpp - "Losses": the D and G loss of every step so far (bounded history:
// TrainingHistory), or D(x) and D(G(z)), on a chart with step labels, hover values, optional
// log scale and smoothing (ui/chart.h). See ui.h.
#include <algorithm>
#include <vector>

#include "ui/chart.h"
#include "ui/ui.h"

namespace ganvas {

void ui_losses_window(const UiState& state, UiOutput* out) {
    if (!ui_begin_window(state, UiWindow::Losses, out)) return;
    const TrainingHistory& history = state.session.history();
    ChartOptions& options = ui_chart_options();
    int view = options.d_outputs ? 1 : 0;
    ImGui::RadioButton("Losses", &view, 0);
    ui_same_line_if_fits("D(x), D(G(z))   ");
    ImGui::RadioButton("D(x), D(G(z))", &view, 1);
    options.d_outputs = view == 1;
    ui_same_line_if_fits("Log scale    ");
    ui_chart_controls();
    const int n = int(history.d_loss().size()), stride = history.steps_per_point();
    ImGui::TextColored(kUiDimColor, "%d points, %d step%s each", n, stride, stride == 1 ? "" : "s");
    // Point i averages the `stride` steps that end at its x: the last one ends before the pending steps.
    std::vector<double> steps(static_cast<size_t>(n));
    const double last = double(state.session.step() - history.pending_steps());
    for (int i = 0; i < n; ++i) steps[size_t(i)] = last - double(n - 1 - i) * stride;
    ChartSpec spec;
    spec.steps = &steps;
    if (options.d_outputs) {
        spec.series = {{"D(x)", &history.d_real(), kChartColors[0]}, {"D(G(z))", &history.d_fake(), kChartColors[1]}};
        spec.value_format = "%.3f";
    } else {
        spec.series = {{"D loss", &history.d_loss(), kChartColors[0]}, {"G loss", &history.g_loss(), kChartColors[1]}};
    }
    spec.height = std::max(6 * ImGui::GetTextLineHeight(), ImGui::GetContentRegionAvail().y);
    ui_chart("history", spec);
    ImGui::End();
}

}  // namespace ganvas
