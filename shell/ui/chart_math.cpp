// chart_math.cpp - see chart_math.h.
#include "ui/chart_math.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ganvas {

double chart_nice_step(double lo, double hi, int max_ticks) {
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo) || max_ticks < 1) return 0;
    const double raw = (hi - lo) / max_ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
    return 10 * magnitude;
}

std::vector<double> chart_nice_ticks(double lo, double hi, int max_ticks) {
    std::vector<double> ticks;
    const double step = chart_nice_step(lo, hi, max_ticks);
    if (step <= 0) return ticks;
    // rounding of k * step far from 0 (1e6 + k * 0.0002) may not exceed the range's own
    const double slack = step * 1e-9 + std::max(std::abs(lo), std::abs(hi)) * 1e-12;
    const double first = std::ceil((lo - slack) / step);
    for (double k = first; k * step <= hi + slack && ticks.size() < size_t(max_ticks) + 1; k += 1)
        if (k * step >= lo - slack) ticks.push_back(std::abs(k * step) < step * 1e-9 ? 0.0 : k * step);
    return ticks;
}

std::vector<double> chart_log_ticks(double lo, double hi, int max_ticks) {
    std::vector<double> ticks;
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo) || max_ticks < 1) return ticks;
    const double first = std::ceil(lo - 1e-9), last = std::floor(hi + 1e-9);
    if (last - first < 1) return chart_nice_ticks(std::pow(10.0, lo), std::pow(10.0, hi), max_ticks);
    const double every = std::max(1.0, std::ceil((last - first + 1) / max_ticks));
    for (double k = first; k <= last; k += every) ticks.push_back(std::pow(10.0, k));
    return ticks;
}

namespace {

// v with up to `decimals` decimals, trailing zeros (and a trailing point) removed.
std::string trimmed(double v, int decimals) {
    char text[48];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    std::string s = text;
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    return s == "-0" ? "0" : s;
}

}  // namespace

std::string chart_step_label(double step) {
    if (!std::isfinite(step)) return "?";
    const double a = std::abs(step);
    if (a >= 1e6) return trimmed(step / 1e6, a >= 1e8 ? 0 : a >= 1e7 ? 1 : 2) + "M";
    if (a >= 1e3) return trimmed(step / 1e3, a >= 1e5 ? 0 : a >= 1e4 ? 1 : 2) + "k";
    return trimmed(step, 0);
}

std::string chart_value_label(double value, double tick_step) {
    char text[48];
    const double a = std::abs(value);
    if (!std::isfinite(value)) return value != value ? "nan" : value > 0 ? "inf" : "-inf";
    if (a != 0 && (a >= 1e5 || a < 1e-4)) {
        std::snprintf(text, sizeof text, "%.3g", value);
        return text;
    }
    int decimals = 0;
    if (tick_step > 0 && std::isfinite(tick_step)) {
        // the decimals of the step itself: 0.25 -> 2, 0.5 -> 1, 20 -> 0
        for (double s = tick_step; decimals < 8 && std::abs(s - std::round(s)) > 1e-6 * std::max(1.0, s); s *= 10)
            ++decimals;
    } else {
        decimals = a >= 100 ? 1 : a >= 1 ? 3 : 4;
    }
    return trimmed(value, decimals);
}

bool chart_map_y(double value, bool log_scale, double* out) {
    if (!std::isfinite(value)) return false;
    if (!log_scale) {
        *out = value;
        return true;
    }
    if (value <= 0) return false;
    *out = std::log10(value);
    return true;
}

bool chart_y_range(const std::vector<const std::vector<float>*>& series, bool log_scale, double* lo, double* hi) {
    bool any = false;
    double min = 0, max = 0;
    for (const std::vector<float>* s : series)
        for (float v : *s) {
            double y;
            if (!chart_map_y(v, log_scale, &y)) continue;
            if (!any || y < min) min = y;
            if (!any || y > max) max = y;
            any = true;
        }
    if (!any) return false;
    if (max - min < 1e-12 * std::max(1.0, std::abs(max))) {
        const double pad = min == 0 || log_scale ? 0.5 : 0.1 * std::abs(min);
        *lo = min - pad;
        *hi = max + pad;
        return true;
    }
    const double margin = 0.05 * (max - min);
    *lo = min - margin;
    *hi = max + margin;
    return true;
}

std::vector<float> chart_smooth(const std::vector<float>& values, float weight) {
    std::vector<float> out(values.size());
    const double w = std::min(std::max(double(weight), 0.0), 0.999);
    double last = 0, debias = 1;  // debias: w^count of the values averaged so far
    for (size_t i = 0; i < values.size(); ++i) {
        const float v = values[i];
        if (!std::isfinite(v)) {
            out[i] = v;
            continue;
        }
        last = last * w + (1 - w) * v;
        debias *= w;
        out[i] = float(w == 0 ? v : last / (1 - debias));
    }
    return out;
}

int chart_nearest_index(const std::vector<double>& xs, double x) {
    if (xs.empty()) return -1;
    const auto it = std::lower_bound(xs.begin(), xs.end(), x);
    if (it == xs.begin()) return 0;
    if (it == xs.end()) return int(xs.size()) - 1;
    const size_t i = size_t(it - xs.begin());
    return x - xs[i - 1] <= xs[i] - x ? int(i - 1) : int(i);
}

}  // namespace ganvas
