// test_batchnorm.cpp - BatchNorm1d in training mode vs inference mode, PyTorch semantics.
#include <catch2/catch.hpp>

#include <cmath>

#include "nn/model.h"
#include "base/rng.h"
#include "test_support.h"

using namespace ganvas;

namespace {
// Linear(3,3) is irrelevant here; a lone BatchNorm1d(3) network isolates the layer.
Sequential make_bn(int features) {
    Sequential net({LayerSpec::batchnorm(features)});
    Rng rng(1, 1);
    sequential_init_default(net, rng);
    return net;
}
}  // namespace

TEST_CASE("BatchNorm1d training mode normalises with batch statistics", "[batchnorm]") {
    Sequential net = make_bn(2);
    SequentialCache cache;
    // Column 0: 1, 2, 3, 4 (mean 2.5, biased var 1.25); column 1: 10, 10, 10, 14 (mean 11, var 3).
    const float x[8] = {1, 10, 2, 10, 3, 10, 4, 14};
    const ConstMatrixView out = sequential_forward(net, cache, ConstMatrixView(x, 4, 2), BatchNormMode::Train);
    CHECK(out(0, 0) == Approx((1 - 2.5) / std::sqrt(1.25 + 1e-5)));
    CHECK(out(3, 1) == Approx((14 - 11) / std::sqrt(3 + 1e-5)));

    SECTION("running statistics: momentum 0.1, unbiased variance, counter") {
        const float* rm = net.values(0, "running_mean");
        const float* rv = net.values(0, "running_var");
        CHECK(rm[0] == Approx(0.9 * 0 + 0.1 * 2.5));
        CHECK(rv[0] == Approx(0.9 * 1 + 0.1 * (1.25 * 4 / 3)));  // unbiased: N/(N-1)
        CHECK(rv[1] == Approx(0.9 * 1 + 0.1 * (3.0 * 4 / 3)));
        CHECK(net.counter(0) == 1);
    }
}

TEST_CASE("BatchNorm1d inference mode uses running statistics", "[batchnorm]") {
    Sequential net = make_bn(1);
    *net.values(0, "running_mean") = 2.0f;
    *net.values(0, "running_var") = 4.0f;
    *net.values(0, "weight") = 3.0f;  // gamma
    *net.values(0, "bias") = 0.5f;    // beta
    SequentialCache cache;
    const float x[3] = {2, 4, 6};
    const ConstMatrixView out = sequential_forward(net, cache, ConstMatrixView(x, 3, 1), BatchNormMode::Eval);
    const double s = std::sqrt(4.0 + 1e-5);
    CHECK(out(0, 0) == Approx(0.5));
    CHECK(out(1, 0) == Approx(3 * 2 / s + 0.5));
    CHECK(out(2, 0) == Approx(3 * 4 / s + 0.5));
    // Inference never touches the statistics.
    CHECK(*net.values(0, "running_mean") == 2.0f);
    CHECK(net.counter(0) == 0);
    // Single-sample inference is fine in eval mode (training mode needs N >= 2).
    const ConstMatrixView one = sequential_forward(net, cache, ConstMatrixView(x + 1, 1, 1), BatchNormMode::Eval);
    CHECK(one(0, 0) == Approx(3 * 2 / s + 0.5));
}

TEST_CASE("BatchNorm1d running statistics converge to the data's, and TrainNoUpdate leaves them", "[batchnorm]") {
    Sequential net = make_bn(1);
    SequentialCache cache;
    Rng rng(5, 5);
    std::vector<float> batch(64);
    for (int step = 0; step < 300; ++step) {
        for (float& v : batch) v = float(3.0 + 2.0 * rng.normal());  // N(3, 2^2)
        sequential_forward(net, cache, ConstMatrixView(batch.data(), 64, 1), BatchNormMode::Train);
    }
    const float mean = *net.values(0, "running_mean");
    const float var = *net.values(0, "running_var");
    INFO("running mean " << mean << ", running var " << var);
    CHECK(mean == Approx(3.0).margin(0.3));
    CHECK(var == Approx(4.0).margin(0.8));
    CHECK(net.counter(0) == 300);

    sequential_forward(net, cache, ConstMatrixView(batch.data(), 64, 1), BatchNormMode::TrainNoUpdate);
    CHECK(*net.values(0, "running_mean") == mean);
    CHECK(net.counter(0) == 300);

    // After convergence, eval-mode output of fresh N(3, 4) data is roughly standardised.
    for (float& v : batch) v = float(3.0 + 2.0 * rng.normal());
    const ConstMatrixView out = sequential_forward(net, cache, ConstMatrixView(batch.data(), 64, 1), BatchNormMode::Eval);
    CHECK(out.mean() == Approx(0.0).margin(0.4));
}
