// test_chart.cpp - shell/ui/chart_math.h: nice ticks, step and value labels, log mapping, the y
// range, TensorBoard's smoothing and the hover's nearest point.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "ui/chart_math.h"

using namespace ganvas;

TEST_CASE("chart ticks are nice numbers inside the range", "[chart]") {
    const std::vector<double> t = chart_nice_ticks(0, 10000, 4);
    REQUIRE(t == std::vector<double>{0, 2500, 5000, 7500, 10000});
    CHECK(chart_nice_step(0, 10000, 5) == 2000);
    CHECK(chart_nice_step(0, 1, 5) == Approx(0.2));
    CHECK(chart_nice_step(0, 1, 2) == Approx(0.5));
    CHECK(chart_nice_step(0, 7, 7) == Approx(1));
    const std::vector<double> u = chart_nice_ticks(0.013, 0.087, 4);  // step 0.02
    REQUIRE(u.size() == 4);
    CHECK(u.front() == Approx(0.02));
    CHECK(u.back() == Approx(0.08));
    for (double lo : {-3.7, 0.0, 12.5, 1e6})
        for (double span : {0.001, 1.0, 37.0, 9e5})
            for (int max_ticks : {1, 3, 8}) {
                const std::vector<double> ticks = chart_nice_ticks(lo, lo + span, max_ticks);
                if (max_ticks >= 2) CHECK(!ticks.empty());  // a step <= twice span / max_ticks: one fits
                CHECK(int(ticks.size()) <= max_ticks + 1);
                for (double v : ticks) {
                    CHECK(v >= lo - span * 1e-6);
                    CHECK(v <= lo + span * (1 + 1e-6));
                }
            }
    CHECK(chart_nice_ticks(1, 1, 5).empty());
    CHECK(chart_nice_ticks(2, 1, 5).empty());
    CHECK(chart_nice_ticks(0, std::numeric_limits<double>::infinity(), 5).empty());
    CHECK(chart_nice_ticks(0, 1, 0).empty());
    CHECK(chart_nice_ticks(-1, 1, 2) == std::vector<double>{-1, 0, 1});  // an exact 0, not -1e-17
}

TEST_CASE("chart log ticks are powers of ten, thinned when many", "[chart]") {
    CHECK(chart_log_ticks(-2.3, 1.2, 8) == std::vector<double>{0.01, 0.1, 1, 10});
    const std::vector<double> many = chart_log_ticks(-10, 10, 5);
    CHECK(many.size() <= 6);
    CHECK(many.front() == Approx(1e-10));
    const std::vector<double> inside = chart_log_ticks(std::log10(2.0), std::log10(8.0), 4);  // one decade: 2 4 6 8
    REQUIRE(!inside.empty());
    CHECK(inside.front() >= 2);
    CHECK(inside.back() <= 8 + 1e-9);
}

TEST_CASE("chart step labels are short", "[chart]") {
    CHECK(chart_step_label(0) == "0");
    CHECK(chart_step_label(750) == "750");
    CHECK(chart_step_label(1000) == "1k");
    CHECK(chart_step_label(2500) == "2.5k");
    CHECK(chart_step_label(1250) == "1.25k");
    CHECK(chart_step_label(12500) == "12.5k");
    CHECK(chart_step_label(250000) == "250k");
    CHECK(chart_step_label(1250000) == "1.25M");
}

TEST_CASE("chart value labels carry the ticks' decimals", "[chart]") {
    CHECK(chart_value_label(0.25, 0.25) == "0.25");
    CHECK(chart_value_label(0.5, 0.25) == "0.5");
    CHECK(chart_value_label(1.5, 0.5) == "1.5");
    CHECK(chart_value_label(20, 5) == "20");
    CHECK(chart_value_label(0, 0.2) == "0");
    CHECK(chart_value_label(0.001, 0.001) == "0.001");
    CHECK(chart_value_label(2e6, 5e5) == "2e+06");
    CHECK(chart_value_label(std::nan(""), 1) == "nan");
}

TEST_CASE("chart log mapping refuses what it cannot draw", "[chart]") {
    double y = -1;
    REQUIRE(chart_map_y(100, true, &y));
    CHECK(y == Approx(2));
    CHECK(!chart_map_y(0, true, &y));
    CHECK(!chart_map_y(-0.5, true, &y));
    CHECK(!chart_map_y(std::numeric_limits<double>::infinity(), false, &y));
    CHECK(!chart_map_y(std::nan(""), false, &y));
    REQUIRE(chart_map_y(-0.5, false, &y));
    CHECK(y == -0.5);
}

TEST_CASE("chart y range covers the drawable values with a margin", "[chart]") {
    const std::vector<float> a = {1, 2, std::nanf(""), 3}, b = {-1, 10};
    double lo = 0, hi = 0;
    REQUIRE(chart_y_range({&a}, false, &lo, &hi));
    CHECK(lo == Approx(0.9));
    CHECK(hi == Approx(3.1));
    REQUIRE(chart_y_range({&a, &b}, true, &lo, &hi));  // -1 is left out of a log range
    CHECK(lo < 0.0);  // log10(1) = 0 minus the margin
    CHECK(hi > 1.0);  // log10(10) = 1 plus the margin
    const std::vector<float> flat = {0.7f, 0.7f};
    REQUIRE(chart_y_range({&flat}, false, &lo, &hi));
    CHECK(lo < 0.7);
    CHECK(hi > 0.7);
    const std::vector<float> negative = {-1, 0};
    CHECK(!chart_y_range({&negative}, true, &lo, &hi));
    const std::vector<float> empty;
    CHECK(!chart_y_range({&empty}, false, &lo, &hi));
}

TEST_CASE("chart smoothing is TensorBoard's debiased moving average", "[chart]") {
    const std::vector<float> v = {1, 3, std::nanf(""), 5};
    CHECK(chart_smooth(v, 0)[1] == 3);  // weight 0: the values themselves
    const std::vector<float> s = chart_smooth(v, 0.6f);
    CHECK(s[0] == Approx(1));  // debiased: not pulled towards 0
    // (0.4 * 1 * 0.6 + 0.4 * 3) / (1 - 0.36)
    CHECK(s[1] == Approx((0.6 * 0.4 * 1 + 0.4 * 3) / (1 - 0.36)));
    CHECK(std::isnan(s[2]));
    const double last = 0.6 * (0.6 * 0.4 * 1 + 0.4 * 3) + 0.4 * 5;
    CHECK(s[3] == Approx(last / (1 - 0.216)));
    const std::vector<float> constant(100, 2.5f);
    for (float x : chart_smooth(constant, 0.99f)) CHECK(x == Approx(2.5));
    CHECK(chart_smooth({}, 0.5f).empty());
}

TEST_CASE("chart hover finds the nearest point", "[chart]") {
    const std::vector<double> xs = {10, 20, 40};
    CHECK(chart_nearest_index({}, 5) == -1);
    CHECK(chart_nearest_index(xs, -100) == 0);
    CHECK(chart_nearest_index(xs, 14) == 0);
    CHECK(chart_nearest_index(xs, 15) == 0);  // a tie: the earlier
    CHECK(chart_nearest_index(xs, 16) == 1);
    CHECK(chart_nearest_index(xs, 31) == 2);
    CHECK(chart_nearest_index(xs, 1e9) == 2);
}
