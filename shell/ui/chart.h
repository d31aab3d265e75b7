// chart.h - the app's chart widget, drawn with ImGui's draw lists (no ImPlot): several series
// over steps, an x axis in steps with nice labels (1k, 2.5k), a y axis with nice numbers, linear
// or log scale (a value <= 0 is left out of a log chart, and the chart says how many were), an
// optional exponential-moving-average smoothing with the raw curve faint behind, a legend, and
// on hover a vertical line at the nearest step with every series' value in a tooltip. The
// arithmetic is in chart_math.h (tested without ImGui).
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "imgui.h"

namespace ganvas {

// What every chart that follows the user's choice shows (one set for the app, as TensorBoard's
// smoothing is one slider for all its charts): the Losses window's controls and
// window.ganvas.setChart write it.
struct ChartOptions {
    bool log_scale = false;
    float smoothing = 0;     // 0 .. 0.99, the moving average's weight
    bool d_outputs = false;  // the Losses window shows D(x) and D(G(z)) instead of the losses
};
ChartOptions& ui_chart_options();

struct ChartSeries {
    const char* name;
    const std::vector<float>* values;  // one per x
    ImU32 color;
};

struct ChartSpec {
    const std::vector<double>* steps = nullptr;  // ascending, one per point of every series
    std::vector<ChartSeries> series;
    float height = 100;        // the whole chart (legend, plot, x labels), pixels
    bool follow_options = true;  // log scale and smoothing from ui_chart_options(); else linear, raw
    double y_min = NAN, y_max = NAN;  // a fixed y range (NaN: from the values); linear charts only
    const char* value_format = "%.4f";  // the tooltip's values
};

// The chart as one item `id` of the current window's width and spec.height.
void ui_chart(const char* id, const ChartSpec& spec);

// What one chart drew in the last frame, for window.ganvas.charts() and the browser test: where
// its plot is (window pixels), its scale, its tick labels, and the point under the mouse.
struct ChartReport {
    std::string id;                    // ui_chart's id ("history", "FD", "d_outputs", ...)
    float x = 0, y = 0, width = 0, height = 0;  // the plot's rectangle
    bool log_scale = false;
    float smoothing = 0;
    int points = 0, left_out = 0;      // left_out: values <= 0 not drawn on a log scale
    double y_lo = 0, y_hi = 0;         // the y axis's range (log10 of it on a log scale)
    std::vector<std::string> series, y_labels, x_labels;
    bool hovered = false;              // the mouse is over the plot: the tooltip's point
    double hover_step = 0;
    std::vector<float> hover_raw, hover_smoothed;  // per series (NaN: no value there)
};
// The charts drawn in the latest frame, in drawing order.
const std::vector<ChartReport>& ui_chart_reports();

// The Log checkbox and the Smoothing slider (writing ui_chart_options()), wrapping on narrow windows.
void ui_chart_controls();

// The series' colours: blue, orange, green, red (colour-blind-safe pairs for two series).
extern const ImU32 kChartColors[4];

}  // namespace ganvas
