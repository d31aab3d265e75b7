// layers/conv2d.cpp - Conv2d(in_channels, out_channels, kernel, stride, padding), PyTorch semantics
// (square kernel, no dilation, one group, bias).
//
// Shapes: in (N, C, H, W), out (N, O, Ho, Wo) with Ho = (H + 2p - k) / s + 1; weight (O, C, k, k)
// as PyTorch stores it, which row-major is the matrix W (O, C*k*k); bias (O). With P = Ho*Wo
// output positions and cols = im2col(in) (N*P, C*k*k) (layers/im2col.h), the three products are
// the Linear layer's with N*P rows:
//   forward      rows(N*P, O)   = cols * W^T            then rows -> out (N, O, P), + bias
//   weight grad  dW(O, C*k*k)  += d_rows^T * cols       d_rows: d_out as (N*P, O) rows
//   input grad   d_cols(N*P, C*k*k) = d_rows * W        then d_in = col2im(d_cols)
// so every multiply-add runs in the packed GEMM (nn/gemm.h) and its kernels, threads and bits.
// The cache keeps cols for the weight gradient; the workspace holds the (N*P, O) rows and the
// input gradient's columns. Fuses with a following LeakyReLU (in the pass from rows to maps).
#include <algorithm>
#include <cassert>
#include <cmath>

#include "base/rng.h"
#include "nn/gemm.h"
#include "nn/layers/im2col.h"
#include "nn/layers/layer.h"
#include "nn/layers/reduce.h"

namespace ganvas {

namespace {

ConvGeometry geometry(const LayerSpec& s) {
    return conv_geometry(s.in_channels, s.in.h, s.in.w, s.kernel, s.stride, s.padding);
}
size_t rows_floats(const ConvGeometry& g, int batch, int out_channels) {
    return layer_cache_round(size_t(batch) * g.positions() * out_channels);
}

SampleShape conv2d_output_shape(const LayerSpec& s, SampleShape in) {
    assert(in.c == s.in_channels && "Conv2d: the input must have in_channels channels");
    const ConvGeometry g = conv_geometry(in.c, in.h, in.w, s.kernel, s.stride, s.padding);
    assert(g.ho > 0 && g.wo > 0 && "Conv2d: the kernel is larger than the padded input");
    return {s.out_channels, g.ho, g.wo};
}

void conv2d_tensors(const LayerSpec& s, std::vector<TensorDecl>* out) {
    out->push_back({"weight", {s.out_channels, s.in_channels, s.kernel, s.kernel}, TensorStore::Params});
    out->push_back({"bias", {s.out_channels}, TensorStore::Params});
}

size_t conv2d_cache_floats(const LayerSpec& s, int batch) {
    const ConvGeometry g = geometry(s);
    return size_t(batch) * g.positions() * g.patch();  // cols
}

size_t conv2d_scratch_floats(const LayerSpec& s, int batch) {
    const ConvGeometry g = geometry(s);
    return rows_floats(g, batch, s.out_channels) + size_t(batch) * g.positions() * g.patch();
}

// PyTorch's default (_ConvNd.reset_parameters): kaiming_uniform with a = sqrt(5), which is
// U(-1/sqrt(fan_in), +1/sqrt(fan_in)) with fan_in = C*k*k, for weight and bias, weight first.
void conv2d_init(const LayerSpec& s, float* params, float*, int64_t*, Rng& rng) {
    const int fan_in = s.in_channels * s.kernel * s.kernel;
    const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
    const size_t weights = size_t(s.out_channels) * fan_in;
    rng.fill_uniform(params, weights, -bound, bound);
    rng.fill_uniform(params + weights, size_t(s.out_channels), -bound, bound);
}

// rows (N*P, O) -> maps (N, O, P) + bias; with `activated`, also LeakyReLU of the result.
void rows_to_maps(int batch, int out_channels, int positions, const float* __restrict rows, const float* bias,
                  float* __restrict maps, float* __restrict activated, float slope) {
    for (int n = 0; n < batch; ++n)
        for (int o = 0; o < out_channels; ++o) {
            const float* src = rows + size_t(n) * positions * out_channels + o;
            float* dst = maps + (size_t(n) * out_channels + o) * positions;
            const float b = bias ? bias[o] : 0.0f;
            for (int q = 0; q < positions; ++q) dst[q] = src[size_t(q) * out_channels] + b;
            if (activated) {
                float* act = activated + (size_t(n) * out_channels + o) * positions;
                for (int q = 0; q < positions; ++q) act[q] = leaky_select(dst[q], dst[q], slope);
            }
        }
}

// The forward of `in` (N, C, H, W) into `out`, cols kept in `cols`, rows in `rows`.
void conv2d_compute(const LayerSpec& s, int batch, const float* in, const float* params, bool with_bias, float* cols,
                    float* rows, float* out, float* activated, float slope) {
    const ConvGeometry g = geometry(s);
    const int m = batch * g.positions(), o = s.out_channels, kk = g.patch();
    im2col(g, batch, in, cols);
    gemm(m, o, kk, cols, kk, Op::None, params, kk, Op::Transpose, rows, o, false);
    rows_to_maps(batch, o, g.positions(), rows, with_bias ? params + size_t(o) * kk : nullptr, out, activated, slope);
}

void conv2d_forward(const LayerForwardArgs& a) {
    conv2d_compute(*a.spec, a.batch, a.in, a.params, true, a.cache, a.scratch, a.out, nullptr, 0.0f);
}

bool conv2d_fuses_with(const LayerSpec&, const LayerSpec& next) { return next.kind == LayerKind::LeakyReLU; }

void conv2d_forward_fused(const LayerForwardArgs& self, const LayerForwardArgs& next) {
    conv2d_compute(*self.spec, self.batch, self.in, self.params, true, self.cache, self.scratch, self.out, next.out,
                   next.spec->negative_slope);
}

// dW += d_rows^T * cols (skipped when grads is null); d_rows: d_out (N, O, P) as rows, written
// into `d_rows`.
void conv2d_weight_grad(const LayerSpec& s, int batch, const float* d_rows, const float* cols, float* d_weight) {
    const ConvGeometry g = geometry(s);
    const int m = batch * g.positions(), o = s.out_channels, kk = g.patch();
    gemm(o, kk, m, d_rows, o, Op::Transpose, cols, kk, Op::None, d_weight, kk, true);
}

void conv2d_backward(const LayerBackwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const ConvGeometry g = geometry(s);
    const int m = a.batch * g.positions(), o = s.out_channels, kk = g.patch();
    float* d_rows = a.scratch;
    planes_to_rows(a.batch, o, g.positions(), a.d_out, d_rows);
    if (a.grads) {
        conv2d_weight_grad(s, a.batch, d_rows, a.cache, a.grads);
        column_sums_accumulate(d_rows, m, o, a.grads + size_t(o) * kk);  // bias: over samples and positions
    }
    if (a.d_in) {
        float* d_cols = a.scratch + rows_floats(g, a.batch, o);
        gemm(m, kk, o, d_rows, o, Op::None, a.params, kk, Op::None, d_cols, kk, false);
        std::fill_n(a.d_in, size_t(a.batch) * s.in.size(), 0.0f);
        col2im_accumulate(g, a.batch, d_cols, a.d_in);
    }
}

// d_in = J^T d_out with J the convolution without bias, which does not depend on the input:
// u_out = conv(u_in) without bias, and dW += d_rows^T * im2col(u_in) (the weight gradient with
// u_in in the input's place); the bias is not in d_in, so it gets nothing.
void conv2d_double_backward(const LayerDoubleBackwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const ConvGeometry g = geometry(s);
    float* rows = a.scratch;
    float* u_cols = a.scratch + rows_floats(g, a.batch, s.out_channels);
    conv2d_compute(s, a.batch, a.u_in, a.params, false, u_cols, rows, a.u_out, nullptr, 0.0f);
    if (a.grads) {
        planes_to_rows(a.batch, s.out_channels, g.positions(), a.d_out, rows);
        conv2d_weight_grad(s, a.batch, rows, u_cols, a.grads);
    }
}

void conv2d_gemms(const LayerSpec& s, int batch, std::vector<LayerGemm>* out) {
    const ConvGeometry g = geometry(s);
    const int m = batch * g.positions(), o = s.out_channels, kk = g.patch();
    out->push_back({LayerPass::Forward, {m, o, kk, Op::None, Op::Transpose}});
    out->push_back({LayerPass::InputGrad, {m, kk, o, Op::None, Op::None}});
    out->push_back({LayerPass::WeightGrad, {o, kk, m, Op::Transpose, Op::None}});
}

LayerFlops conv2d_flops(const LayerSpec& s, int batch) {
    const ConvGeometry g = geometry(s);
    const double macs = double(batch) * g.positions() * g.patch() * s.out_channels;
    return {macs, macs, macs};
}

}  // namespace

const LayerRecord conv2d_record = {
    "Conv2d",
    conv2d_output_shape,
    conv2d_tensors,
    conv2d_cache_floats,
    conv2d_init,
    conv2d_forward,
    conv2d_backward,
    conv2d_flops,
    conv2d_gemms,
    conv2d_fuses_with,
    conv2d_forward_fused,
    conv2d_double_backward,
    conv2d_scratch_floats,
};

LayerSpec conv_spec(const LayerRecord* kind, int in_channels, int out_channels, int kernel, int stride, int padding) {
    LayerSpec s;
    s.kind = kind;
    s.in_channels = in_channels;
    s.out_channels = out_channels;
    s.kernel = kernel;
    s.stride = stride;
    s.padding = padding;
    return s;
}

LayerSpec LayerSpec::conv2d(int in_channels, int out_channels, int kernel, int stride, int padding) {
    return conv_spec(&conv2d_record, in_channels, out_channels, kernel, stride, padding);
}

}  // namespace ganvas
