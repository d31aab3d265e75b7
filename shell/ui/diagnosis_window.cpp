// diagnosis_window.cpp - "Diagnosis": the alerts with their remedy buttons, the class histogram of
// G's samples now, and the diagnosis points over steps (FD, modes, KL, confident share, D(x),
// D(G(z))). See ui.h and shell/diagnosis.h.
#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <vector>

#include "diagnosis.h"
#include "ui/ui.h"

namespace ganvas {

namespace {

// One series over the points, as PlotLines takes it.
template <typename Get>
void plot(const char* label, const std::vector<DiagnosisPoint>& points, Get get, const char* format, float lo,
          float hi, float height) {
    std::vector<float> values;
    values.reserve(points.size());
    for (const DiagnosisPoint& p : points) values.push_back(float(get(p)));
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, format, values.empty() ? 0.0 : double(values.back()));
    ImGui::TextUnformatted(label);
    ImGui::PlotLines((std::string("##") + label).c_str(), values.data(), int(values.size()), 0, overlay, lo, hi,
                     ImVec2(ImGui::GetContentRegionAvail().x, height));
}

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
    const float h = std::max(30.0f, (avail - 7 * (line + 2 * spacing)) / 7);
    float bins[10];
    for (int c = 0; c < 10; ++c) bins[c] = float(last.histogram[size_t(c)]);
    ImGui::TextUnformatted("Digits drawn now (0 to 9)");
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, "%d modes", last.modes);
    ImGui::PlotHistogram("##histogram", bins, 10, 0, overlay, 0, FLT_MAX, ImVec2(ImGui::GetContentRegionAvail().x, h));
    plot("Frechet distance to real digits", points, [](const DiagnosisPoint& p) { return p.fd; }, "%.2f", FLT_MAX,
         FLT_MAX, h);
    plot("Modes (digits with >= 2.5 %)", points, [](const DiagnosisPoint& p) { return p.modes; }, "%.0f", 0, 10, h);
    plot("KL to uniform (nats)", points, [](const DiagnosisPoint& p) { return p.kl; }, "%.3f", 0, FLT_MAX, h);
    plot("Confident share", points, [](const DiagnosisPoint& p) { return p.confident; }, "%.2f", 0, 1, h);
    plot("D(x)", points, [](const DiagnosisPoint& p) { return p.d_real; }, "%.3f", 0, 1, h);
    plot("D(G(z))", points, [](const DiagnosisPoint& p) { return p.d_fake; }, "%.3f", 0, 1, h);
    ImGui::End();
}

}  // namespace ganvas
