// remedies_noise_ema.cpp - instance noise and the EMA of G. See remedies_noise_ema.h.
#include "gan/remedies_noise_ema.h"

#include <algorithm>
#include <cassert>

#include "base/rng.h"
#include "gan/streams.h"

namespace ganvas {

int64_t instance_noise_start(const Recipe& recipe, int64_t step) {
    int64_t start = 0;
    for (const RecipeChange& c : recipe.timeline)
        if (c.step <= step && (c.key == "instance_noise" || c.key == "instance_noise_steps")) start = c.step;
    return start;
}

float instance_noise_sigma(const Recipe& recipe, const GanConfig& config, int64_t step) {
    if (config.instance_noise <= 0) return 0.0f;
    if (config.instance_noise_steps == 0) return config.instance_noise;
    const int64_t t = step - instance_noise_start(recipe, step);
    if (t >= config.instance_noise_steps) return 0.0f;
    return config.instance_noise * float(1.0 - double(t) / double(config.instance_noise_steps));
}

void instance_noise_draw(uint64_t seed, int64_t step, int phase, float* unit, size_t n) {
    assert(phase >= 0 && phase <= kInstanceNoisePhaseG && "instance_noise_draw: phase is a D step index or the G step");
    Rng rng(stream_seed(seed, uint64_t(step) * 17 + uint64_t(phase)), streams::kInstanceNoise);
    rng.fill_normal(unit, n);
}

void instance_noise_add(const float* x, const float* unit, float sigma, float* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        const float scaled = sigma * unit[i];
        out[i] = x[i] + scaled;
    }
}

double ema_decay_at(float decay, int64_t updates) {
    const double t = double(updates);
    return std::min(double(decay), (1.0 + t) / (10.0 + t));
}

void ema_update(Sequential& ema, const Sequential& g, double decay_t) {
    assert(ema.params.size() == g.params.size() && ema.buffers.size() == g.buffers.size() &&
           "ema_update: the EMA is a copy of G");
    const float weight = float(1.0 - decay_t);  // as torch's lerp takes a Python float: one rounding
    float* e = ema.params.data();
    const float* w = g.params.data();
    // torch.lerp(ema, w, weight) on the CPU (torch 1.13's ATen lerp, both branches) is a fused
    // multiply-add: the product unrounded, one rounding of the sum. The core never emits FMA
    // instructions (bit-identity between native builds and wasm, which has none), so it is
    // computed in double: the product of two floats is exact in double, the sum is rounded to
    // double and then to float. That double rounding differs from one rounding only when the
    // double sum lands exactly halfway between two floats (~1 in 2^29), and it is the same
    // IEEE arithmetic on every platform, so runs stay bit-identical.
    if (weight < 0.5f) {
        for (size_t i = 0, n = ema.params.size(); i < n; ++i) {
            const float diff = w[i] - e[i];
            e[i] = float(double(e[i]) + double(weight) * double(diff));
        }
    } else {
        const double rest = double(1.0f - weight);
        for (size_t i = 0, n = ema.params.size(); i < n; ++i) {
            const float diff = w[i] - e[i];
            e[i] = float(double(w[i]) - double(diff) * rest);
        }
    }
    std::copy(g.buffers.begin(), g.buffers.end(), ema.buffers.begin());
    std::copy(g.counters.begin(), g.counters.end(), ema.counters.begin());
}

}  // namespace ganvas
