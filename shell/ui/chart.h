// chart.h - the app's chart widget, drawn with ImGui's draw lists (no ImPlot): several series
// over steps, an x axis in steps with nice labels (1k, 2.5k), a y axis with nice numbers, linear
// or log scale (a value <= 0 is left out of a log chart, and the chart says how many were), an
// optional exponential-moving-average smoothing with the raw curve faint behind, a legend, and
// on hover a vertical line at the nearest step with every series' value in a tooltip. The
// arithmetic is in chart_math.h (tested without ImGui).
#pragma once

#include <cmath>
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

// The Log checkbox and the Smoothing slider (writing ui_chart_options()), wrapping on narrow windows.
void ui_chart_controls();

// The series' colours: blue, orange, green, red (colour-blind-safe pairs for two series).
extern const ImU32 kChartColors[4];

}  // namespace ganvas
