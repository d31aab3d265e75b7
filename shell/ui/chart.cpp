// chart.cpp - the chart widget (chart.h): layout, axes, curves, legend and hover, on the window's
// draw list. The numbers come from chart_math.h.
#include "ui/chart.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "ui/chart_math.h"
#include "ui/ui.h"

namespace ganvas {

const ImU32 kChartColors[4] = {IM_COL32(86, 156, 235, 255), IM_COL32(240, 150, 60, 255), IM_COL32(90, 190, 110, 255),
                               IM_COL32(225, 85, 85, 255)};

ChartOptions& ui_chart_options() {
    static ChartOptions options;
    return options;
}

namespace {
std::vector<ChartReport> g_reports;
int g_reports_frame = -1;
}  // namespace

const std::vector<ChartReport>& ui_chart_reports() { return g_reports; }

void ui_chart_controls() {
    ChartOptions& o = ui_chart_options();
    ImGui::Checkbox("Log scale", &o.log_scale);
    ui_same_line_if_fits("Smoothing ##########");
    ImGui::SetNextItemWidth(std::max(60.0f, std::min(10 * ImGui::GetFontSize(), ImGui::GetContentRegionAvail().x -
                                                                                   ImGui::CalcTextSize("Smoothing").x -
                                                                                   ImGui::GetStyle().ItemInnerSpacing.x)));
    ImGui::SliderFloat("Smoothing", &o.smoothing, 0.0f, 0.99f, "%.2f");
    o.smoothing = std::min(std::max(o.smoothing, 0.0f), 0.99f);
}

namespace {

ImU32 faint(ImU32 color) { return (color & ~IM_COL32_A_MASK) | (ImU32(70) << IM_COL32_A_SHIFT); }

// One series as polylines, broken where a value cannot be drawn.
template <typename ToScreen>
void draw_curve(ImDrawList* draw, const std::vector<double>& steps, const std::vector<float>& values, bool log_scale,
                ToScreen to_screen, ImU32 color, float thickness) {
    std::vector<ImVec2> run;
    const size_t n = std::min(steps.size(), values.size());
    auto flush = [&] {
        if (run.size() == 1) draw->AddCircleFilled(run[0], thickness * 1.5f, color);
        if (run.size() >= 2) draw->AddPolyline(run.data(), int(run.size()), color, 0, thickness);
        run.clear();
    };
    for (size_t i = 0; i < n; ++i) {
        double y;
        if (!chart_map_y(values[i], log_scale, &y)) {
            flush();
            continue;
        }
        run.push_back(to_screen(steps[i], y));
    }
    flush();
}

}  // namespace

void ui_chart(const char* id, const ChartSpec& spec) {
    ImGui::PushID(id);
    const ChartOptions& o = ui_chart_options();
    const bool log_scale = spec.follow_options && o.log_scale;
    const float smoothing = spec.follow_options ? o.smoothing : 0.0f;
    const std::vector<double>& steps = *spec.steps;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float width = std::max(60.0f, ImGui::GetContentRegionAvail().x);
    const float line = ImGui::GetTextLineHeight();
    const float height = std::max(spec.height, 3 * line + 20);
    ImGui::Dummy(ImVec2(width, height));
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImU32 text_color = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 dim_color = ImGui::GetColorU32(kUiDimColor);

    // The legend: a swatch, the name and the last value of each series.
    std::vector<std::vector<float>> smoothed(spec.series.size());
    float lx = origin.x;
    for (size_t k = 0; k < spec.series.size(); ++k) {
        const ChartSeries& s = spec.series[k];
        if (smoothing > 0) smoothed[k] = chart_smooth(*s.values, smoothing);
        const std::vector<float>& shown = smoothing > 0 ? smoothed[k] : *s.values;
        char text[96];
        if (shown.empty())
            std::snprintf(text, sizeof text, "%s", s.name);
        else {
            std::snprintf(text, sizeof text, "%s ", s.name);
            std::snprintf(text + std::strlen(text), sizeof text - std::strlen(text), spec.value_format, double(shown.back()));
        }
        draw->AddRectFilled(ImVec2(lx, origin.y + 0.3f * line), ImVec2(lx + 0.8f * line, origin.y + 0.9f * line), s.color);
        draw->AddText(ImVec2(lx + line, origin.y), text_color, text);
        lx += line + ImGui::CalcTextSize(text).x + line;
    }

    // The y range and its ticks, then the plot's rectangle (y labels on the left, steps below).
    std::vector<const std::vector<float>*> all;
    for (size_t k = 0; k < spec.series.size(); ++k) {
        all.push_back(spec.series[k].values);
        if (smoothing > 0) all.push_back(&smoothed[k]);
    }
    double y_lo = 0, y_hi = 1;
    const bool fixed = !log_scale && std::isfinite(spec.y_min) && std::isfinite(spec.y_max) && spec.y_max > spec.y_min;
    const bool any = fixed ? true : chart_y_range(all, log_scale, &y_lo, &y_hi);
    if (fixed) {
        y_lo = spec.y_min;
        y_hi = spec.y_max;
    }
    const float plot_top = origin.y + line + 4, plot_bottom = origin.y + height - line - 2;
    const int y_max_ticks = std::max(2, int((plot_bottom - plot_top) / (1.8f * line)));
    std::vector<double> y_ticks = log_scale ? chart_log_ticks(y_lo, y_hi, y_max_ticks) : chart_nice_ticks(y_lo, y_hi, y_max_ticks);
    const double y_step = log_scale ? 0 : chart_nice_step(y_lo, y_hi, y_max_ticks);
    std::vector<std::string> y_labels;
    float label_width = 0;
    for (double t : y_ticks) {
        y_labels.push_back(chart_value_label(t, log_scale ? t : y_step));
        label_width = std::max(label_width, ImGui::CalcTextSize(y_labels.back().c_str()).x);
    }
    const float plot_left = origin.x + label_width + 6, plot_right = origin.x + width - 4;
    const ImVec2 plot_min(plot_left, plot_top), plot_max(plot_right, plot_bottom);
    draw->AddRectFilled(plot_min, plot_max, ImGui::GetColorU32(ImGuiCol_FrameBg));

    double x_lo = steps.empty() ? 0 : steps.front(), x_hi = steps.empty() ? 1 : steps.back();
    if (x_hi <= x_lo) {
        x_lo -= 1;
        x_hi += 1;
    }
    auto to_screen = [&](double x, double y) {
        return ImVec2(float(plot_left + (x - x_lo) / (x_hi - x_lo) * (plot_right - plot_left)),
                      float(plot_bottom - (y - y_lo) / (y_hi - y_lo) * (plot_bottom - plot_top)));
    };
    const ImU32 grid_color = ImGui::GetColorU32(ImGuiCol_Border, 0.6f);
    for (size_t i = 0; i < y_ticks.size(); ++i) {
        double y;
        if (!chart_map_y(y_ticks[i], log_scale, &y)) continue;
        const float sy = to_screen(x_lo, y).y;
        draw->AddLine(ImVec2(plot_left, sy), ImVec2(plot_right, sy), grid_color);
        const float w = ImGui::CalcTextSize(y_labels[i].c_str()).x;
        draw->AddText(ImVec2(plot_left - 4 - w, std::min(std::max(sy - 0.5f * line, origin.y + line), plot_bottom - line)),
                      dim_color, y_labels[i].c_str());
    }
    const int x_max_ticks = std::max(1, int((plot_right - plot_left) / (ImGui::CalcTextSize("12.5k").x * 2)));
    for (double t : chart_nice_ticks(x_lo, x_hi, x_max_ticks)) {
        const float sx = to_screen(t, y_lo).x;
        draw->AddLine(ImVec2(sx, plot_top), ImVec2(sx, plot_bottom), grid_color);
        const std::string label = chart_step_label(t);
        const float w = ImGui::CalcTextSize(label.c_str()).x;
        draw->AddText(ImVec2(std::min(std::max(sx - 0.5f * w, plot_left - label_width), plot_right - w), plot_bottom + 1),
                      dim_color, label.c_str());
    }

    // The curves: raw (faint when smoothed), then smoothed on top.
    draw->PushClipRect(plot_min, plot_max, true);
    int left_out = 0;
    if (any) {
        for (size_t k = 0; k < spec.series.size(); ++k) {
            const ChartSeries& s = spec.series[k];
            draw_curve(draw, steps, *s.values, log_scale, to_screen, smoothing > 0 ? faint(s.color) : s.color, 1.5f);
            if (smoothing > 0) draw_curve(draw, steps, smoothed[k], log_scale, to_screen, s.color, 1.8f);
            if (log_scale)
                for (float v : *s.values) left_out += std::isfinite(v) && v <= 0;
        }
    }
    draw->PopClipRect();
    if (!any || left_out > 0) {
        char text[96];
        if (!any)
            std::snprintf(text, sizeof text, "%s", steps.empty() ? "No steps yet" : "Nothing to draw on a log scale");
        else
            std::snprintf(text, sizeof text, "%d value%s <= 0 left out (log scale)", left_out, left_out == 1 ? "" : "s");
        draw->AddText(ImVec2(plot_left + 4, plot_top + 2), dim_color, text);
    }

    // What this chart drew (ui_chart_reports): a new frame starts a new list.
    if (g_reports_frame != ImGui::GetFrameCount()) {
        g_reports.clear();
        g_reports_frame = ImGui::GetFrameCount();
    }
    g_reports.emplace_back();
    ChartReport& report = g_reports.back();
    report.id = id;
    report.x = plot_left;
    report.y = plot_top;
    report.width = plot_right - plot_left;
    report.height = plot_bottom - plot_top;
    report.log_scale = log_scale;
    report.smoothing = smoothing;
    report.points = int(steps.size());
    report.left_out = left_out;
    report.y_lo = y_lo;
    report.y_hi = y_hi;
    for (const ChartSeries& s : spec.series) report.series.push_back(s.name);
    report.y_labels = y_labels;
    for (double t : chart_nice_ticks(x_lo, x_hi, x_max_ticks)) report.x_labels.push_back(chart_step_label(t));

    // Hover: a vertical line at the nearest point, every series' value there.
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    if (hovered && !steps.empty() && mouse.x >= plot_left - 4 && mouse.x <= plot_right + 4) {
        const double x = x_lo + (mouse.x - plot_left) / (plot_right - plot_left) * (x_hi - x_lo);
        const int i = chart_nearest_index(steps, x);
        report.hovered = true;
        report.hover_step = steps[size_t(i)];
        for (size_t k = 0; k < spec.series.size(); ++k) {
            const bool has = size_t(i) < spec.series[k].values->size();
            report.hover_raw.push_back(has ? (*spec.series[k].values)[size_t(i)] : NAN);
            report.hover_smoothed.push_back(has && smoothing > 0 ? smoothed[k][size_t(i)] : report.hover_raw.back());
        }
        const float sx = to_screen(steps[size_t(i)], y_lo).x;
        draw->AddLine(ImVec2(sx, plot_top), ImVec2(sx, plot_bottom), ImGui::GetColorU32(ImGuiCol_Text, 0.7f));
        ImGui::BeginTooltip();
        ImGui::Text("step %.0f", steps[size_t(i)]);
        for (size_t k = 0; k < spec.series.size(); ++k) {
            const ChartSeries& s = spec.series[k];
            if (size_t(i) >= s.values->size()) continue;
            char value[48];
            std::snprintf(value, sizeof value, spec.value_format, double((*s.values)[size_t(i)]));
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color), "%s", s.name);
            ImGui::SameLine();
            if (smoothing > 0) {
                char smooth[48];
                std::snprintf(smooth, sizeof smooth, spec.value_format, double(smoothed[k][size_t(i)]));
                ImGui::Text("%s (smoothed %s)", value, smooth);
            } else {
                ImGui::TextUnformatted(value);
            }
        }
        ImGui::EndTooltip();
    }
    ImGui::PopID();
}

}  // namespace ganvas
