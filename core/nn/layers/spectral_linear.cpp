// layers/spectral_linear.cpp - Linear with spectral normalisation, as PyTorch's
// torch.nn.utils.spectral_norm(nn.Linear(I, O)) (dim 0, n_power_iterations 1, eps 1e-12):
//   out = in * (W / sigma)^T + bias,   sigma = u^T W v ~ the largest singular value of W.
//
// Tensors, PyTorch's state_dict names: weight_orig (O, I) and bias (O), trained; weight_u (O)
// and weight_v (I), buffers (the power iteration's vectors, unit length). Forward in
// BatchNormMode::Train (a training-mode module) first does one power iteration in place,
//   v = normalize(W^T u), u = normalize(W v)      (normalize(x) = x / max(|x|, eps)),
// then sigma = u . (W v) and W_sn = W / sigma; any other mode (eval) uses the stored u, v.
// u and v are detached (no gradient through them); the gradient flows through sigma:
//   dL/dW = G / sigma - (<G, W> / sigma^2) u v^T,   G = dL/dW_sn = d_out^T in.
// The forward's u, v, sigma and W_sn are kept in its cache (owned by the caller, one per
// forward), so each backward uses its own forward's, as PyTorch's graph clones u and v.
// init_default draws weight_orig and bias as Linear does (the same draws, so SN does not change
// the initial weights) and sets u, v to a unit placeholder; the Gan draws the real initial u, v
// from their own stream (spectral_linear_init_vectors, gan/streams.h kSpectral).
// Every forward in Train mode iterates: with WGAN-GP an iteration runs four (D(real), D(fake), D(x_hat),
// then the G step's D(G(z))); R1 reuses D(real)'s forward, so its u, v. Checked against PyTorch,
// double backward included: tests/test_d_remedies_reference.cpp (tests/reference/make_d_remedies.py).
#include <algorithm>
#include <cassert>
#include <cmath>

#include "base/rng.h"
#include "nn/gemm.h"
#include "nn/layers.h"
#include "nn/layers/layer.h"
#include "nn/layers/reduce.h"

namespace ganvas {

// [SECTION] Math

namespace {
constexpr float kSpectralEps = 1e-12f;

// x / max(|x|_2, eps), the norm summed in double.
void normalize_in_place(float* x, int n) {
    double s = 0;
    for (int k = 0; k < n; ++k) s += double(x[k]) * x[k];
    const float norm = std::max(float(std::sqrt(s)), kSpectralEps);
    for (int k = 0; k < n; ++k) x[k] /= norm;
}

// t(O) = W(O, I) v(I)
void weight_times(float* t, const float* w, const float* v, int out, int in) {
    for (int o = 0; o < out; ++o) {
        const float* row = w + size_t(o) * in;
        double s = 0;
        for (int i = 0; i < in; ++i) s += double(row[i]) * v[i];
        t[o] = float(s);
    }
}

// <A, B> over O x I, in double.
double frobenius_dot(const float* a, const float* b, size_t n) {
    double s = 0;
    for (size_t k = 0; k < n; ++k) s += double(a[k]) * b[k];
    return s;
}
}  // namespace

float spectral_normalize(float* w_sn, float* u, float* v, float* t, const float* weight, int out, int in,
                         bool power_iteration) {
    if (power_iteration) {
        // v = W^T u: rows of W scaled by u[o], added in o order (one sequential sum per v[i]).
        std::fill(v, v + in, 0.0f);
        for (int o = 0; o < out; ++o) {
            const float* row = weight + size_t(o) * in;
            const float uo = u[o];
            for (int i = 0; i < in; ++i) v[i] += row[i] * uo;
        }
        normalize_in_place(v, in);
        weight_times(t, weight, v, out, in);
        std::copy(t, t + out, u);
        normalize_in_place(u, out);
    } else {
        weight_times(t, weight, v, out, in);
    }
    double s = 0;
    for (int o = 0; o < out; ++o) s += double(u[o]) * t[o];
    const float sigma = float(s);
    const size_t n = size_t(out) * in;
    for (size_t k = 0; k < n; ++k) w_sn[k] = weight[k] / sigma;
    return sigma;
}

void spectral_weight_grad(float* d_weight, const float* g, const float* w_sn, const float* u, const float* v,
                          float sigma, int out, int in) {
    // <G, W> / sigma^2 = <G, W_sn> / sigma.
    const float k = float(frobenius_dot(g, w_sn, size_t(out) * in) / sigma);
    for (int o = 0; o < out; ++o) {
        const float ku = k * u[o];
        float* __restrict dw = d_weight + size_t(o) * in;
        const float* __restrict go = g + size_t(o) * in;
        for (int i = 0; i < in; ++i) dw[i] += go[i] / sigma - ku * v[i];
    }
}

void spectral_linear_init_vectors(float* u, float* v, int out, int in, Rng& rng) {
    rng.fill_normal(u, size_t(out));
    normalize_in_place(u, out);
    rng.fill_normal(v, size_t(in));
    normalize_in_place(v, in);
}

// [SECTION] Record

namespace {

int fan_in(const LayerSpec& s) { return s.in.c; }
int fan_out(const LayerSpec& s) { return s.out.c; }
size_t weights(const LayerSpec& s) { return size_t(fan_out(s)) * fan_in(s); }

// The forward's cache: W_sn (O, I), scratch (O, I: the weight gradient before the chain through
// sigma), u (O), v (I), t = W v (O), sigma; each slice 64-byte aligned.
struct SpectralCache {
    size_t w_sn, scratch, u, v, t, sigma, total;
};
SpectralCache cache_layout(const LayerSpec& s) {
    SpectralCache c{};
    c.w_sn = 0;
    c.scratch = c.w_sn + layer_cache_round(weights(s));
    c.u = c.scratch + layer_cache_round(weights(s));
    c.v = c.u + layer_cache_round(size_t(fan_out(s)));
    c.t = c.v + layer_cache_round(size_t(fan_in(s)));
    c.sigma = c.t + layer_cache_round(size_t(fan_out(s)));
    c.total = c.sigma + 16;
    return c;
}

SampleShape spectral_output_shape(const LayerSpec& s, SampleShape in) {
    assert(in.is_features() && in.c == s.in.c && "SpectralLinear: the input must be (in_features) per sample");
    (void)in;
    return s.out;
}

void spectral_tensors(const LayerSpec& s, std::vector<TensorDecl>* out) {
    out->push_back({"weight_orig", {fan_out(s), fan_in(s)}, TensorStore::Params});
    out->push_back({"bias", {fan_out(s)}, TensorStore::Params});
    out->push_back({"weight_u", {fan_out(s)}, TensorStore::Buffers});
    out->push_back({"weight_v", {fan_in(s)}, TensorStore::Buffers});
}

size_t spectral_cache_floats(const LayerSpec& s, int) { return cache_layout(s).total; }

void spectral_init(const LayerSpec& s, float* params, float* buffers, int64_t* counters, Rng& rng) {
    linear_record.init_default(s, params, nullptr, counters, rng);  // weight_orig, bias: Linear's draws
    std::fill(buffers, buffers + fan_out(s), 1.0f / std::sqrt(float(fan_out(s))));
    std::fill(buffers + fan_out(s), buffers + fan_out(s) + fan_in(s), 1.0f / std::sqrt(float(fan_in(s))));
}

// W_sn into the cache (power iteration in Train mode, writing the network's u, v).
const float* spectral_prepare(const LayerForwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const SpectralCache c = cache_layout(s);
    const int o = fan_out(s), i = fan_in(s);
    float* u = a.cache + c.u;
    float* v = a.cache + c.v;
    std::copy(a.buffers, a.buffers + o, u);
    std::copy(a.buffers + o, a.buffers + o + i, v);
    const bool train = a.mode == BatchNormMode::Train && a.buffers_update;
    a.cache[c.sigma] = spectral_normalize(a.cache + c.w_sn, u, v, a.cache + c.t, a.params, o, i, train);
    if (train) {
        std::copy(u, u + o, a.buffers_update);
        std::copy(v, v + i, a.buffers_update + o);
    }
    return a.cache + c.w_sn;
}

void spectral_forward(const LayerForwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const float* w_sn = spectral_prepare(a);
    linear_forward(MatrixView(a.out, a.batch, fan_out(s)), ConstMatrixView(a.in, a.batch, fan_in(s)), w_sn,
                   a.params + weights(s));
}

bool spectral_fuses_with(const LayerSpec&, const LayerSpec& next) { return next.kind == LayerKind::LeakyReLU; }

void spectral_forward_fused(const LayerForwardArgs& self, const LayerForwardArgs& next) {
    const LayerSpec& s = *self.spec;
    const float* w_sn = spectral_prepare(self);
    linear_leaky_relu_forward(MatrixView(self.out, self.batch, fan_out(s)), MatrixView(next.out, self.batch, fan_out(s)),
                              ConstMatrixView(self.in, self.batch, fan_in(s)), w_sn, self.params + weights(s),
                              next.spec->negative_slope);
}

// The cache's scratch slice: the caller's arena (a SequentialCache), writable memory that the
// layer's own forward filled; backward and double backward use it for G before the chain.
float* scratch_of(const float* cache, const SpectralCache& c) { return const_cast<float*>(cache) + c.scratch; }

void spectral_backward(const LayerBackwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const SpectralCache c = cache_layout(s);
    const int n = a.batch, i = fan_in(s), o = fan_out(s);
    const float* w_sn = a.cache + c.w_sn;
    if (a.d_in) gemm(n, i, o, a.d_out, o, Op::None, w_sn, i, Op::None, a.d_in, i, false);
    if (!a.grads) return;
    float* g = scratch_of(a.cache, c);
    gemm(o, i, n, a.d_out, o, Op::Transpose, a.in, i, Op::None, g, i, false);
    spectral_weight_grad(a.grads, g, w_sn, a.cache + c.u, a.cache + c.v, a.cache[c.sigma], o, i);
    column_sums_accumulate(a.d_out, n, o, a.grads + weights(s));
}

// As Linear's with W_sn in W's place (d_in = d_out W_sn does not depend on in), and the weight
// part chained through sigma like the first-order gradient: H = d_out^T u_in is dP/dW_sn.
void spectral_double_backward(const LayerDoubleBackwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const SpectralCache c = cache_layout(s);
    const int n = a.batch, i = fan_in(s), o = fan_out(s);
    assert(a.cache && "SpectralLinear: double backward needs the forward's cache");
    const float* w_sn = a.cache + c.w_sn;
    gemm(n, o, i, a.u_in, i, Op::None, w_sn, i, Op::Transpose, a.u_out, o, false);
    if (!a.grads) return;
    float* h = scratch_of(a.cache, c);
    gemm(o, i, n, a.d_out, o, Op::Transpose, a.u_in, i, Op::None, h, i, false);
    spectral_weight_grad(a.grads, h, w_sn, a.cache + c.u, a.cache + c.v, a.cache[c.sigma], o, i);
}

// The three products are Linear's; the power iteration, W / sigma and the chain through sigma
// are element-wise or vector work (about 4 O I per forward or weight gradient), not counted.
LayerFlops spectral_flops(const LayerSpec& s, int batch) { return linear_record.flops(s, batch); }
void spectral_gemms(const LayerSpec& s, int batch, std::vector<LayerGemm>* out) { linear_record.gemms(s, batch, out); }

}  // namespace

const LayerRecord spectral_linear_record = {
    "SpectralLinear",
    spectral_output_shape,
    spectral_tensors,
    spectral_cache_floats,
    spectral_init,
    spectral_forward,
    spectral_backward,
    spectral_flops,
    spectral_gemms,
    spectral_fuses_with,
    spectral_forward_fused,
    spectral_double_backward,
    nullptr,  // no workspace
};

LayerSpec LayerSpec::spectral_linear(int in_features, int out_features) {
    LayerSpec s = LayerSpec::linear(in_features, out_features);
    s.kind = &spectral_linear_record;
    return s;
}

}  // namespace ganvas
