// chart_math.h - the arithmetic of the app's charts (shell/ui/chart.h), with no ImGui so that
// tests/test_chart.cpp checks it natively: "nice" axis ticks (1, 2, 2.5, 5 x 10^k), step labels
// (500, 1k, 2.5k, 1.2M), value labels, log10 mapping that refuses non-positive values, the
// y range of the values shown, TensorBoard's debiased exponential moving average, and the
// index of the point nearest a step (the hover line).
#pragma once

#include <string>
#include <vector>

namespace ganvas {

// At most max_ticks values k * step in [lo, hi], step a nice number (1, 2, 2.5 or 5 x 10^k) with
// (hi - lo) / step <= max_ticks. Empty when the range is empty, reversed or not finite.
std::vector<double> chart_nice_ticks(double lo, double hi, int max_ticks);
// The spacing chart_nice_ticks uses (0 when it returns nothing).
double chart_nice_step(double lo, double hi, int max_ticks);
// Ticks for a log axis whose range is given in log10 units [lo, hi]: values (not logs) 10^k,
// every `n`-th decade when there are too many; inside one decade, chart_nice_ticks of the values.
std::vector<double> chart_log_ticks(double lo, double hi, int max_ticks);

// A step count as a short label: 0, 750, 1k, 2.5k, 12.5k, 1.25M (at most 3 significant digits).
std::string chart_step_label(double step);
// A value for an axis whose ticks are `tick_step` apart: as many decimals as the step needs
// (0.25 -> 2, 5 -> 0), %g beyond 1e5 or below 1e-4.
std::string chart_value_label(double value, double tick_step);

// The y a value is drawn at: itself (linear) or its log10 (log). False, drawing nothing, for a
// non-finite value or, on a log axis, a value <= 0.
bool chart_map_y(double value, bool log_scale, double* out);

// The range [lo, hi] (mapped by chart_map_y) of the values that can be drawn, with a margin of
// 5 % each side (a flat series gets +-0.5, or +-10 % of its value). False when nothing can be.
bool chart_y_range(const std::vector<const std::vector<float>*>& series, bool log_scale, double* lo, double* hi);

// TensorBoard's smoothing: an exponential moving average with weight w in [0, 1) (0: the values
// themselves), debiased so the first points are not pulled towards 0. A non-finite value stays
// as it is in the output and does not enter the average.
std::vector<float> chart_smooth(const std::vector<float>& values, float weight);

// The index of the x in the ascending `xs` nearest `x` (the earlier one on a tie); -1 when empty.
int chart_nearest_index(const std::vector<double>& xs, double x);

}  // namespace ganvas
