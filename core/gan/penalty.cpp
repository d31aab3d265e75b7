// penalty.cpp - WGAN-GP's gradient penalty and R1. See penalty.h.
#include "gan/penalty.h"

#include <cassert>
#include <cmath>

#include "base/rng.h"
#include "gan/streams.h"

namespace ganvas {

namespace {

// g = grad_x D at the points of `forward` (N, features_in).
ConstMatrixView input_gradient(const Sequential& d, const SequentialCache& forward, PenaltyCache& c) {
    const int n = forward.batch;
    if (c.ones.rows() != n) c.ones = Matrix::Ones(n, 1);
    return sequential_input_gradient(d, forward, const_view_of(c.ones), c.grad);
}

// sum_k g_k^2 of one row, in double.
double squared_norm(const float* g, int width) {
    double s = 0;
    for (int k = 0; k < width; ++k) s += double(g[k]) * g[k];
    return s;
}

}  // namespace

float wgan_gp_penalty(Sequential& d, ConstMatrixView real, ConstMatrixView fake, const float* eps, float lambda,
                      PenaltyCache& c) {
    const int n = int(real.rows()), width = int(real.cols());
    assert(fake.rows() == n && fake.cols() == width && "wgan_gp_penalty: real and fake are both (N, pixels)");
    c.points.resize(n, width);
    for (int i = 0; i < n; ++i) {
        const float e = eps[i], rest = 1.0f - e;
        for (int k = 0; k < width; ++k) c.points(i, k) = e * real(i, k) + rest * fake(i, k);
    }
    sequential_forward(d, c.forward, const_view_of(c.points), BatchNormMode::Train);
    const ConstMatrixView g = input_gradient(d, c.forward, c);
    // P = lambda/N sum_i (|g_i| - 1)^2;  dP/dg_i = 2 lambda/N (|g_i| - 1) g_i / |g_i|.
    c.u.resize(n, width);
    double sum = 0;
    for (int i = 0; i < n; ++i) {
        const double norm = std::sqrt(squared_norm(g.row(i).data(), width));
        sum += (norm - 1) * (norm - 1);
        const float factor = norm > 0 ? float(2.0 * lambda * (norm - 1) / (norm * n)) : 0.0f;
        for (int k = 0; k < width; ++k) c.u(i, k) = factor * g(i, k);
    }
    sequential_input_gradient_backward(d, c.forward, c.grad, const_view_of(c.u));
    return float(lambda * sum / n);
}

float r1_penalty(Sequential& d, const SequentialCache& forward_on_real, float gamma, PenaltyCache& c) {
    const int n = forward_on_real.batch, width = d.features_in();
    const ConstMatrixView g = input_gradient(d, forward_on_real, c);
    // P = gamma/(2N) sum_i |g_i|^2;  dP/dg_i = gamma/N g_i.
    c.u.resize(n, width);
    double sum = 0;
    const float factor = gamma / float(n);
    for (int i = 0; i < n; ++i) {
        sum += squared_norm(g.row(i).data(), width);
        for (int k = 0; k < width; ++k) c.u(i, k) = factor * g(i, k);
    }
    sequential_input_gradient_backward(d, forward_on_real, c.grad, const_view_of(c.u));
    return float(0.5 * gamma * sum / n);
}

void penalty_eps(uint64_t seed, int64_t step, int d_step, int n, float* eps) {
    Rng rng(stream_seed(seed, uint64_t(step) * 16 + uint64_t(d_step)), streams::kPenalty);
    for (int i = 0; i < n; ++i) eps[i] = rng.uniform();
}

}  // namespace ganvas
