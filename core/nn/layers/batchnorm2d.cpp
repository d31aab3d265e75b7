// layers/batchnorm2d.cpp - BatchNorm2d(num_features) over (N, H, W) per channel, PyTorch semantics.
//
// Shapes: in and out (N, C, H, W); statistics per channel over the M = N*H*W values of its maps.
// Tensors as BatchNorm1d's (layers/batchnorm1d.cpp): weight (gamma), bias (beta), running_mean,
// running_var (C), num_batches_tracked; the running variance takes the unbiased batch variance,
// M / (M - 1) times the biased one. Training modes keep x_hat (N, C, H, W), inv_std,
// batch_mean and the biased batch_var (C each) for backward; Eval keeps nothing.
// Every per-channel sum runs sample by sample, then along the map: one order in every build.
#include <algorithm>
#include <cassert>
#include <cmath>

#include "nn/layers.h"
#include "nn/layers/layer.h"

namespace ganvas {

namespace {

int channels(const LayerSpec& s) { return s.in.c; }
int positions(const LayerSpec& s) { return s.in.h * s.in.w; }

struct Cache {
    float *x_hat, *inv_std, *mean, *var;
};
Cache cache_at(const float* cache, const LayerSpec& s, int batch) {
    float* c = const_cast<float*>(cache);  // backward only reads through it
    const size_t xs = layer_cache_round(size_t(batch) * s.in.size()), cs = layer_cache_round(size_t(channels(s)));
    return {c, c + xs, c + xs + cs, c + xs + 2 * cs};
}

SampleShape batchnorm2d_output_shape(const LayerSpec& s, SampleShape in) {
    assert(in.c == s.in_channels && "BatchNorm2d: the input must have num_features channels");
    (void)s;
    return in;
}

void batchnorm2d_tensors(const LayerSpec& s, std::vector<TensorDecl>* out) { batchnorm_declare_tensors(channels(s), out); }

size_t batchnorm2d_cache_floats(const LayerSpec& s, int batch) {
    return layer_cache_round(size_t(batch) * s.in.size()) + 3 * layer_cache_round(size_t(channels(s)));
}

void batchnorm2d_init(const LayerSpec& s, float* params, float* buffers, int64_t* counters, Rng&) {
    batchnorm_init_tensors(channels(s), params, buffers, counters);
}

// The map of channel ch of sample n.
inline size_t plane(const LayerSpec& s, int n, int ch) { return (size_t(n) * channels(s) + ch) * positions(s); }

void batchnorm2d_forward(const LayerForwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const int c = channels(s), p = positions(s), batch = a.batch;
    const float *gamma = a.params, *beta = a.params + c;
    if (a.mode == BatchNormMode::Eval) {
        for (int n = 0; n < batch; ++n)
            for (int ch = 0; ch < c; ++ch) {
                const float istd = 1.0f / std::sqrt(a.buffers[c + ch] + s.eps), mean = a.buffers[ch];
                const float* x = a.in + plane(s, n, ch);
                float* y = a.out + plane(s, n, ch);
                for (int q = 0; q < p; ++q) y[q] = (x[q] - mean) * istd * gamma[ch] + beta[ch];
            }
        return;
    }
    const int64_t count = int64_t(batch) * p;
    assert(count > 1 && "BatchNorm2d: training mode needs more than one value per channel");
    const Cache k = cache_at(a.cache, s, batch);
    const float inv_count = 1.0f / static_cast<float>(count);
    for (int ch = 0; ch < c; ++ch) {
        float sum = 0.0f;
        for (int n = 0; n < batch; ++n) {
            const float* x = a.in + plane(s, n, ch);
            for (int q = 0; q < p; ++q) sum += x[q];
        }
        const float mean = sum * inv_count;
        float squares = 0.0f;
        for (int n = 0; n < batch; ++n) {
            const float* x = a.in + plane(s, n, ch);
            float* xh = k.x_hat + plane(s, n, ch);
            for (int q = 0; q < p; ++q) {
                xh[q] = x[q] - mean;
                squares += xh[q] * xh[q];
            }
        }
        const float var = squares * inv_count;
        const float istd = 1.0f / std::sqrt(var + s.eps);  // correctly rounded, as BatchNorm1d
        k.mean[ch] = mean;
        k.var[ch] = var;
        k.inv_std[ch] = istd;
        for (int n = 0; n < batch; ++n) {
            float* xh = k.x_hat + plane(s, n, ch);
            float* y = a.out + plane(s, n, ch);
            for (int q = 0; q < p; ++q) {
                xh[q] *= istd;
                y[q] = xh[q] * gamma[ch] + beta[ch];
            }
        }
    }
    if (a.mode == BatchNormMode::Train) {
        assert(a.buffers_update && a.counters && "BatchNorm2d: Train mode needs writable running statistics");
        // The unbiasing of batchnorm_update_running with M = N*H*W values per channel.
        batchnorm_update_running(a.buffers_update, a.buffers_update + c, k.mean, k.var, c, int(count), s.momentum);
        a.counters[0] += 1;
    }
}

void batchnorm2d_backward(const LayerBackwardArgs& a) {
    assert(a.mode != BatchNormMode::Eval && "BatchNorm2d: backward needs a training-mode forward");
    const LayerSpec& s = *a.spec;
    const int c = channels(s), p = positions(s), batch = a.batch;
    const Cache k = cache_at(a.cache, s, batch);
    const float* gamma = a.params;
    const float inv_count = 1.0f / static_cast<float>(int64_t(batch) * p);
    for (int ch = 0; ch < c; ++ch) {
        // With g = d_out * gamma: d_in = inv_std * (g - mean(g) - x_hat * mean(g * x_hat)).
        float sum_d = 0.0f, sum_dx = 0.0f;
        for (int n = 0; n < batch; ++n) {
            const float* dy = a.d_out + plane(s, n, ch);
            const float* xh = k.x_hat + plane(s, n, ch);
            for (int q = 0; q < p; ++q) {
                sum_d += dy[q];
                sum_dx += dy[q] * xh[q];
            }
        }
        if (a.grads) {
            a.grads[ch] += sum_dx;     // d_gamma
            a.grads[c + ch] += sum_d;  // d_beta
        }
        if (!a.d_in) continue;
        const float mean_g = sum_d * gamma[ch] * inv_count, mean_gx = sum_dx * gamma[ch] * inv_count;
        const float istd = k.inv_std[ch];
        for (int n = 0; n < batch; ++n) {
            const float* dy = a.d_out + plane(s, n, ch);
            const float* xh = k.x_hat + plane(s, n, ch);
            float* dx = a.d_in + plane(s, n, ch);
            for (int q = 0; q < p; ++q) dx[q] = istd * (dy[q] * gamma[ch] - mean_g - xh[q] * mean_gx);
        }
    }
}

}  // namespace

const LayerRecord batchnorm2d_record = {
    "BatchNorm2d",
    batchnorm2d_output_shape,
    batchnorm2d_tensors,
    batchnorm2d_cache_floats,
    batchnorm2d_init,
    batchnorm2d_forward,
    batchnorm2d_backward,
    nullptr,  // per-channel scaling: no products
    nullptr,
    nullptr,  // no fusion
    nullptr,
    nullptr,  // no double backward: its Jacobian depends on the whole batch smoothly
    nullptr,  // no workspace
};

LayerSpec LayerSpec::batchnorm2d(int num_features) {
    LayerSpec s;
    s.kind = &batchnorm2d_record;
    s.in_channels = num_features;
    return s;
}

}  // namespace ganvas
