// chart_exports.cpp - the charts' C exports, which web/ganvas_api.js wraps as
// window.ganvas.setChart(options) and window.ganvas.charts() (shell/ui/chart.h):
//   ganvas_set_chart(log, smoothing, view)  the options every chart follows, as the Losses
//       window's controls set them (log: 0/1, -1 keeps it; smoothing 0..0.99, NaN keeps it;
//       view 0 losses, 1 D(x) and D(G(z)), -1 keeps it); returns ganvas_charts_json().
//   ganvas_charts_json()  {"options": {log_scale, smoothing, view}, "charts": [ChartReport ...]}
//       for the charts drawn in the latest frame (rectangles in CSS pixels, non-finite numbers
//       as null).
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "ui/chart.h"

#include <nlohmann/json.hpp>

namespace {

using Json = nlohmann::ordered_json;

Json number_or_null(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

Json numbers(const std::vector<float>& values) {
    Json list = Json::array();
    for (float v : values) list.push_back(number_or_null(v));
    return list;
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* ganvas_charts_json() {
    static std::string json;
    const ganvas::ChartOptions& o = ganvas::ui_chart_options();
    Json charts = Json::array();
    for (const ganvas::ChartReport& r : ganvas::ui_chart_reports()) {
        Json c{{"id", r.id},         {"x", r.x},
               {"y", r.y},           {"width", r.width},
               {"height", r.height}, {"log_scale", r.log_scale},
               {"smoothing", r.smoothing}, {"points", r.points},
               {"left_out", r.left_out},   {"y_lo", number_or_null(r.y_lo)},
               {"y_hi", number_or_null(r.y_hi)}, {"series", r.series},
               {"y_labels", r.y_labels},   {"x_labels", r.x_labels}};
        c["hover"] = r.hovered ? Json{{"step", r.hover_step}, {"raw", numbers(r.hover_raw)},
                                      {"smoothed", numbers(r.hover_smoothed)}}
                               : Json(nullptr);
        charts.push_back(std::move(c));
    }
    Json j{{"options", {{"log_scale", o.log_scale}, {"smoothing", o.smoothing}, {"view", o.d_outputs ? "d_outputs" : "losses"}}},
           {"charts", std::move(charts)}};
    json = j.dump(-1, ' ', false, Json::error_handler_t::replace);
    return json.c_str();
}

EMSCRIPTEN_KEEPALIVE const char* ganvas_set_chart(int log_scale, double smoothing, int view) {
    ganvas::ChartOptions& o = ganvas::ui_chart_options();
    if (log_scale >= 0) o.log_scale = log_scale != 0;
    if (std::isfinite(smoothing)) o.smoothing = float(std::min(std::max(smoothing, 0.0), 0.99));
    if (view >= 0) o.d_outputs = view == 1;
    return ganvas_charts_json();
}

}  // extern "C"
