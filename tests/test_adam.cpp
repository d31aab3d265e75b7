// test_adam.cpp - Adam against steps computed by hand.
//
// One parameter p = 1, lr 0.1, betas (0.9, 0.999), eps 1e-8, gradients 0.5, -1, 0.25:
//   t=1: m = 0.05,     v = 0.00025,     p = 1 - (0.1/0.1) * 0.05 / (sqrt(0.00025)/sqrt(0.001) + 1e-8)
//                                         = 1 - 0.05 / 0.5                     = 0.9
//   t=2: m = -0.055,   v = 0.00124975,  p = 0.9 + (0.1/0.19) * 0.055 / (sqrt(0.00124975)/sqrt(0.001999))
//                                         = 0.93661035...
//   t=3: m = -0.0245,  v = 0.00131100025, p = 0.95027942...
// (PyTorch 1.13 gives 0.90000004, 0.93661040, 0.95027947 in float32.)
// Tolerance 1e-6 relative: float32 rounding of a handful of operations.
#include <catch2/catch.hpp>

#include "nn/adam.h"

using namespace ganvas;

TEST_CASE("Adam matches hand-computed steps", "[adam]") {
    AdamConfig config;
    config.lr = 0.1f;
    config.beta1 = 0.9f;
    config.beta2 = 0.999f;
    config.eps = 1e-8f;
    AdamState state;
    state.reset(1);
    float p = 1.0f;
    const float grads[3] = {0.5f, -1.0f, 0.25f};
    const double expected[3] = {0.9, 0.9366103542405654, 0.9502794203389762};
    const double expected_m[3] = {0.05, -0.055, -0.0245};
    for (int t = 0; t < 3; ++t) {
        adam_step(state, config, &p, &grads[t], 1);
        CHECK(p == Approx(expected[t]).epsilon(1e-6));
        CHECK(state.m[0] == Approx(expected_m[t]).epsilon(1e-6));
        CHECK(state.step == t + 1);
    }
}

TEST_CASE("Adam's first step moves every parameter by about lr against its gradient sign", "[adam]") {
    AdamConfig config;  // the seed's: lr 2e-4, betas (0.5, 0.999)
    AdamState state;
    state.reset(4);
    float p[4] = {0, 0, 0, 0};
    const float g[4] = {3.0f, -0.001f, 1e-3f, -50.0f};
    adam_step(state, config, p, g, 4);
    for (int i = 0; i < 4; ++i) CHECK(p[i] == Approx(g[i] > 0 ? -2e-4 : 2e-4).epsilon(1e-4));
}
