// diagnosis_window.cpp - "Diagnosis": the alerts with their remedy buttons, the class histogram of
// G's samples now, and the diagnosis points over steps (FD, modes, KL, confident share, D(x),
// D(G(z))). See ui.h and shell/diagnosis.h.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <vector>

#include "diagnosis.h"
#include "ui/chart.h"
#include "ui/ui.h"

namespace ganvas {

namespace {

// One or two series over the points' steps, on a chart (ui/chart.h) with a fixed range when
// lo < hi (linear, raw: these are scores, not the noisy losses the chart options are for).
struct Plot {
    const std::vector<double>& steps;
    float height;
    template <typename Get>
    void operator()(const char* label, const std::vector<DiagnosisPoint>& points, Get get, const char* format,
                    double lo, double hi) const {
        std::vector<float> values;
        values.reserve(points.size());
        for (const DiagnosisPoint& p : points) values.push_back(float(get(p)));
        ChartSpec spec;
        spec.steps = &steps;
        spec.series = {{label, &values, kChartColors[0]}};
        spec.height = height;
        spec.follow_options = false;
        spec.y_min = lo;
        spec.y_max = hi;
        spec.value_format = format;
        ui_chart(label, spec);
    }
};

}  // namespace

void ui_diagnosis_window(const UiState& state, UiOutput* out) {
    if (!ui_begin_window(state, UiWindow::Diagnosis, out)) return;
    const Diagnosis* d = state.diagnosis;
    if (d == nullptr) {
        ImGui::TextColored(kUiDimColor, "This build has no diagnosis.");
        ImGui::End();
        return;
    }
    const std::vector<DiagnosisPoint>& points = d->points();
    // The alerts first: what is going wrong, and the one click that may cure it.
    ImGui::PushTextWrapPos(0.0f);
    for (size_t i = 0; i < d->alerts().size(); ++i) {
        const DiagnosisAlert& a = d->alerts()[i];
        ImGui::TextColored(kUiErrorColor, "%s", a.text.c_str());
        if (a.remedy.empty()) {
            ImGui::TextColored(kUiDimColor, "No live remedy applies to the current settings.");
            continue;
        }
        ImGui::PushID(int(i));
        if (ImGui::Button(("Apply " + a.remedy).c_str()))
            for (SessionCommand& c : diagnosis_remedy_commands(a.remedy)) out->commands.push_back(std::move(c));
        ImGui::PopID();
        ImGui::SameLine();
        ImGui::TextColored(kUiDimColor, "%s", a.remedy_why.c_str());
    }
    if (!d->status_text().empty()) ImGui::TextColored(kUiDimColor, "%s", d->status_text().c_str());
    ImGui::PopTextWrapPos();
    if (points.empty()) {
        ImGui::End();
        return;
    }
    const DiagnosisPoint& last = points.back();
    ImGui::TextColored(kUiDimColor, "%d points, the last at step %s; %d samples scored in %.0f ms (+ %.0f ms to draw them)",
                       int(points.size()), diagnosis_thousands(last.step).c_str(), kDiagnosisSamples, d->score_ms(),
                       d->sample_ms());
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const float line = ImGui::GetTextLineHeight();
    const float avail = ImGui::GetContentRegionAvail().y;
    const float h = std::max(4 * line, (avail - 6 * (line + 2 * spacing)) / 6);
    float bins[10];
    for (int c = 0; c < 10; ++c) bins[c] = float(last.histogram[size_t(c)]);
    ImGui::TextUnformatted("Digits drawn now (0 to 9)");
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, "%d modes", last.modes);
    ImGui::PlotHistogram("##histogram", bins, 10, 0, overlay, 0, FLT_MAX, ImVec2(ImGui::GetContentRegionAvail().x, h));
    std::vector<double> steps;
    steps.reserve(points.size());
    for (const DiagnosisPoint& p : points) steps.push_back(double(p.step));
    const Plot plot{steps, h};
    plot("Frechet distance to real digits", points, [](const DiagnosisPoint& p) { return p.fd; }, "%.2f", NAN, NAN);
    plot("Modes (digits with >= 2.5 %)", points, [](const DiagnosisPoint& p) { return p.modes; }, "%.0f", 0, 10);
    plot("KL to uniform (nats)", points, [](const DiagnosisPoint& p) { return p.kl; }, "%.3f", NAN, NAN);
    plot("Confident share", points, [](const DiagnosisPoint& p) { return p.confident; }, "%.2f", 0, 1);
    // D on real and on generated digits, on one chart: the gap between them is what matters.
    std::vector<float> d_real, d_fake;
    for (const DiagnosisPoint& p : points) {
        d_real.push_back(float(p.d_real));
        d_fake.push_back(float(p.d_fake));
    }
    ChartSpec spec;
    spec.steps = &steps;
    spec.series = {{"D(x)", &d_real, kChartColors[0]}, {"D(G(z))", &d_fake, kChartColors[1]}};
    spec.height = h;
    spec.follow_options = false;
    spec.y_min = 0;
    spec.y_max = 1;
    spec.value_format = "%.3f";
    ui_chart("d_outputs", spec);
    ImGui::End();
}

}  // namespace ganvas
