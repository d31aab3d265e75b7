// adam.cpp - see adam.h.
#include "adam.h"

#include <cassert>
#include <cmath>

namespace ganvas {

// base^exponent by squaring: the same operations, hence the same bits, on every platform
// (libm's pow may differ in the last bit between glibc and musl).
static double power_by_squaring(double base, int64_t exponent) {
    double result = 1.0;
    while (exponent > 0) {
        if (exponent & 1) result *= base;
        base *= base;
        exponent >>= 1;
    }
    return result;
}

void AdamState::reset(size_t parameter_count) {
    m.assign(parameter_count, 0.0f);
    v.assign(parameter_count, 0.0f);
    step = 0;
}

void adam_step(AdamState& state, const AdamConfig& config, float* params, const float* grads, size_t n) {
    assert(state.m.size() == n && state.v.size() == n && "adam_step: state sized for another buffer");
    state.step += 1;
    // Bias corrections in double, as PyTorch computes them in Python floats.
    const double bias1 = 1.0 - power_by_squaring(config.beta1, state.step);
    const double bias2 = 1.0 - power_by_squaring(config.beta2, state.step);
    const float step_size = static_cast<float>(config.lr / bias1);
    const float bias2_sqrt = static_cast<float>(std::sqrt(bias2));
    const float b1 = config.beta1, b2 = config.beta2, eps = config.eps;
    float* __restrict m = state.m.data();
    float* __restrict v = state.v.data();
    float* __restrict p = params;
    const float* __restrict gr = grads;
    // One pass over the flat buffers: this loop is memory-bound (16 bytes read, 12 written
    // per parameter), so it is written to vectorise (no aliasing between the four arrays).
    for (size_t i = 0; i < n; ++i) {
        const float g = gr[i];
        m[i] = b1 * m[i] + (1.0f - b1) * g;
        v[i] = b2 * v[i] + (1.0f - b2) * g * g;
        const float denom = std::sqrt(v[i]) / bias2_sqrt + eps;
        p[i] -= step_size * (m[i] / denom);
    }
}

}  // namespace ganvas
