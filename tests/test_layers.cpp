// test_layers.cpp - central-difference gradient checks of every layer and of the loss,
// and forward passes against hand-computed values.
//
// Tolerance: float32 central differences with h = 1e-2 have truncation error O(h^2 f''') and
// rounding error ~ 1e-7 * |f| / h; with objectives of magnitude ~10 that is ~1e-4 absolute.
// A relative error below 1e-2 (denominator floored at 1e-2) passes; a wrong formula (a
// missing term, a sign, a transposition) gives errors of order 1.
#include <catch2/catch.hpp>

#include <cmath>

#include "nn/layers.h"
#include "nn/loss.h"
#include "test_support.h"

using namespace ganvas;
using ganvas_test::grad_check;
using ganvas_test::random_values;
using ganvas_test::weighted_sum;

namespace {
constexpr float kH = 1e-2f;
constexpr double kMaxRelError = 1e-2;
constexpr int N = 5, I = 7, O = 4;
}  // namespace

TEST_CASE("Linear forward matches a hand computation", "[layers]") {
    // in = [[1, 2]], W = [[1, 0], [2, -1], [0.5, 0.5]], b = [0.1, 0.2, 0.3]
    const float in[2] = {1, 2}, w[6] = {1, 0, 2, -1, 0.5f, 0.5f}, b[3] = {0.1f, 0.2f, 0.3f};
    float out[3];
    linear_forward(MatrixView(out, 1, 3), ConstMatrixView(in, 1, 2), w, b);
    CHECK(out[0] == Approx(1.1f));
    CHECK(out[1] == Approx(0.2f));
    CHECK(out[2] == Approx(1.8f));
}

TEST_CASE("Linear gradients match central differences", "[layers][gradcheck]") {
    std::vector<float> x = random_values(N * I, 1), w = random_values(O * I, 2), b = random_values(O, 3);
    const std::vector<float> r = random_values(N * O, 4);
    std::vector<float> out(N * O), dx(N * I), dw(O * I, 0.0f), db(O, 0.0f);
    auto objective = [&] {
        linear_forward(MatrixView(out.data(), N, O), ConstMatrixView(x.data(), N, I), w.data(), b.data());
        return weighted_sum(out.data(), r);
    };
    objective();
    MatrixView d_in(dx.data(), N, I);
    linear_backward(&d_in, dw.data(), db.data(), ConstMatrixView(r.data(), N, O), ConstMatrixView(x.data(), N, I),
                    w.data());
    const auto gx = grad_check(x, dx, objective, kH);
    const auto gw = grad_check(w, dw, objective, kH);
    const auto gb = grad_check(b, db, objective, kH);
    INFO("max relative error: input " << gx.max_rel_error << ", weight " << gw.max_rel_error << ", bias "
                                      << gb.max_rel_error);
    CHECK(gx.max_rel_error < kMaxRelError);
    CHECK(gw.max_rel_error < kMaxRelError);
    CHECK(gb.max_rel_error < kMaxRelError);

    SECTION("parameter gradients accumulate, and null pointers skip work") {
        linear_backward(nullptr, dw.data(), nullptr, ConstMatrixView(r.data(), N, O), ConstMatrixView(x.data(), N, I),
                        w.data());
        std::vector<float> once(O * I, 0.0f);
        linear_backward(nullptr, once.data(), nullptr, ConstMatrixView(r.data(), N, O),
                        ConstMatrixView(x.data(), N, I), w.data());
        for (int i = 0; i < O * I; ++i) CHECK(dw[i] == Approx(2 * once[i]));
    }
}

TEST_CASE("Element-wise activations: forward values and gradients", "[layers][gradcheck]") {
    std::vector<float> x = random_values(N * I, 5);
    x[0] = 0.5f;  // keep one known positive and one known negative value
    x[1] = -0.5f;
    const std::vector<float> r = random_values(N * I, 6);
    std::vector<float> out(N * I), dx(N * I);
    const ConstMatrixView xv(x.data(), N, I), rv(r.data(), N, I), ov(out.data(), N, I);
    MatrixView outv(out.data(), N, I), dxv(dx.data(), N, I);

    SECTION("LeakyReLU(0.2)") {
        leaky_relu_forward(outv, xv, 0.2f);
        CHECK(out[0] == 0.5f);
        CHECK(out[1] == Approx(-0.1f));
        // Kinks at 0 break central differences; the random values stay away from 0 by > h.
        for (float v : x) REQUIRE(std::fabs(v) > kH);
        leaky_relu_backward(dxv, rv, xv, 0.2f);
        auto f = [&] {
            leaky_relu_forward(outv, xv, 0.2f);
            return weighted_sum(out.data(), r);
        };
        const auto g = grad_check(x, dx, f, kH);
        INFO("max relative error " << g.max_rel_error);
        CHECK(g.max_rel_error < kMaxRelError);
    }
    SECTION("Tanh") {
        tanh_forward(outv, xv);
        CHECK(out[0] == Approx(std::tanh(0.5)));
        tanh_backward(dxv, rv, ov);
        auto f = [&] {
            tanh_forward(outv, xv);
            return weighted_sum(out.data(), r);
        };
        const auto g = grad_check(x, dx, f, kH);
        INFO("max relative error " << g.max_rel_error);
        CHECK(g.max_rel_error < kMaxRelError);
    }
    SECTION("Sigmoid") {
        sigmoid_forward(outv, xv);
        CHECK(out[0] == Approx(1.0 / (1.0 + std::exp(-0.5))));
        sigmoid_backward(dxv, rv, ov);
        auto f = [&] {
            sigmoid_forward(outv, xv);
            return weighted_sum(out.data(), r);
        };
        const auto g = grad_check(x, dx, f, kH);
        INFO("max relative error " << g.max_rel_error);
        CHECK(g.max_rel_error < kMaxRelError);
    }
}

TEST_CASE("BatchNorm1d training-mode gradients match central differences", "[layers][gradcheck]") {
    constexpr int F = 6;
    std::vector<float> x = random_values(N * F, 7), gamma = random_values(F, 8), beta = random_values(F, 9);
    const std::vector<float> r = random_values(N * F, 10);
    std::vector<float> out(N * F), x_hat(N * F), inv_std(F), mean(F), var(F);
    std::vector<float> dx(N * F), dgamma(F, 0.0f), dbeta(F, 0.0f);
    auto objective = [&] {
        batchnorm_forward_train(MatrixView(out.data(), N, F), MatrixView(x_hat.data(), N, F), inv_std.data(),
                                mean.data(), var.data(), ConstMatrixView(x.data(), N, F), gamma.data(), beta.data(),
                                1e-5f);
        return weighted_sum(out.data(), r);
    };
    objective();
    batchnorm_backward(MatrixView(dx.data(), N, F), dgamma.data(), dbeta.data(), ConstMatrixView(r.data(), N, F),
                       ConstMatrixView(x_hat.data(), N, F), inv_std.data(), gamma.data());
    // BatchNorm's input gradient is a difference of nearly equal terms: h = 1e-3 keeps the
    // truncation error of the strongly curved normalisation small.
    const auto gx = grad_check(x, dx, objective, 1e-3f);
    const auto gg = grad_check(gamma, dgamma, objective, kH);
    const auto gb = grad_check(beta, dbeta, objective, kH);
    INFO("max relative error: input " << gx.max_rel_error << ", gamma " << gg.max_rel_error << ", beta "
                                      << gb.max_rel_error);
    CHECK(gx.max_rel_error < kMaxRelError);
    CHECK(gg.max_rel_error < kMaxRelError);
    CHECK(gb.max_rel_error < kMaxRelError);
}

TEST_CASE("BCE on logits: values, stability and gradient", "[loss][gradcheck]") {
    SECTION("matches -log(sigmoid) by hand") {
        const float logits[2] = {0.0f, 2.0f};
        // mean(-log(0.5), -log(sigmoid(2))) = (0.693147 + 0.126928) / 2
        CHECK(bce_with_logits(logits, 2, 1.0f, nullptr, 1.0f) == Approx((0.6931472 + 0.1269280) / 2));
        // target 0: mean(-log(0.5), -log(1 - sigmoid(2))) = (0.693147 + 2.126928) / 2
        CHECK(bce_with_logits(logits, 2, 0.0f, nullptr, 1.0f) == Approx((0.6931472 + 2.1269280) / 2));
    }
    SECTION("stays finite where naive log(sigmoid) overflows") {
        const float logits[2] = {-200.0f, 200.0f};
        const float loss = bce_with_logits(logits, 2, 1.0f, nullptr, 1.0f);
        CHECK(std::isfinite(loss));
        CHECK(loss == Approx(100.0f));  // (200 + 0) / 2
    }
    SECTION("gradient") {
        std::vector<float> x = random_values(8, 11);
        for (float& v : x) v *= 4.0f;
        std::vector<float> dx(8);
        for (float target : {0.0f, 1.0f}) {
            bce_with_logits(x.data(), 8, target, dx.data(), 0.5f);
            auto f = [&] { return 0.5 * double(bce_with_logits(x.data(), 8, target, nullptr, 1.0f)); };
            const auto g = grad_check(x, dx, f, kH);
            INFO("target " << target << " max relative error " << g.max_rel_error);
            CHECK(g.max_rel_error < kMaxRelError);
        }
    }
}
