// layers/conv_transpose2d.cpp - ConvTranspose2d(in_channels, out_channels, kernel, stride,
// padding), PyTorch semantics (square kernel, no output padding, no dilation, one group, bias).
//
// The adjoint of a Conv2d that maps the output's maps back to the input's: in (N, C, H, W),
// out (N, O, Ho, Wo) with Ho = (H - 1) s - 2p + k (so the Conv2d(O, C, k, s, p) of an Ho x Wo map
// has H x W positions); weight (C, O, k, k) as PyTorch stores it, the matrix W (C, O*k*k);
// bias (O). With x_rows = in as (N*H*W, C) rows and the geometry g of that Conv2d
// (layers/im2col.h), the products are:
//   forward      cols(N*H*W, O*k*k) = x_rows * W            then out = bias + col2im(cols)
//   weight grad  dW(C, O*k*k)      += x_rows^T * im2col(d_out)
//   input grad   d_rows(N*H*W, C)   = im2col(d_out) * W^T   then rows -> d_in (N, C, H, W)
// The cache keeps x_rows for the weight gradient; the workspace holds the columns and d_rows.
#include <algorithm>
#include <cassert>
#include <cmath>

#include "base/rng.h"
#include "nn/gemm.h"
#include "nn/layers/im2col.h"
#include "nn/layers/layer.h"

namespace ganvas {

namespace {

// The Conv2d whose adjoint this is: it reads the output's (O, Ho, Wo) maps.
ConvGeometry geometry(const LayerSpec& s) {
    return conv_geometry(s.out_channels, s.out.h, s.out.w, s.kernel, s.stride, s.padding);
}
int in_positions(const LayerSpec& s) { return s.in.h * s.in.w; }
size_t cols_floats(const LayerSpec& s, int batch) {
    return layer_cache_round(size_t(batch) * in_positions(s) * s.out_channels * s.kernel * s.kernel);
}

SampleShape conv_transpose2d_output_shape(const LayerSpec& s, SampleShape in) {
    assert(in.c == s.in_channels && "ConvTranspose2d: the input must have in_channels channels");
    const int ho = (in.h - 1) * s.stride - 2 * s.padding + s.kernel;
    const int wo = (in.w - 1) * s.stride - 2 * s.padding + s.kernel;
    assert(ho > 0 && wo > 0 && "ConvTranspose2d: the padding removes the whole output");
    return {s.out_channels, ho, wo};
}

void conv_transpose2d_tensors(const LayerSpec& s, std::vector<TensorDecl>* out) {
    out->push_back({"weight", {s.in_channels, s.out_channels, s.kernel, s.kernel}, TensorStore::Params});
    out->push_back({"bias", {s.out_channels}, TensorStore::Params});
}

size_t conv_transpose2d_cache_floats(const LayerSpec& s, int batch) {
    return size_t(batch) * in_positions(s) * s.in_channels;  // x_rows
}

size_t conv_transpose2d_scratch_floats(const LayerSpec& s, int batch) {
    return cols_floats(s, batch) + size_t(batch) * in_positions(s) * s.in_channels;
}

// PyTorch's default (_ConvNd.reset_parameters): fan_in is weight.size(1) * k * k = O*k*k for a
// transposed convolution; weight and bias ~ U(-1/sqrt(fan_in), +1/sqrt(fan_in)), weight first.
void conv_transpose2d_init(const LayerSpec& s, float* params, float*, int64_t*, Rng& rng) {
    const int fan_in = s.out_channels * s.kernel * s.kernel;
    const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
    const size_t weights = size_t(s.in_channels) * fan_in;
    rng.fill_uniform(params, weights, -bound, bound);
    rng.fill_uniform(params + weights, size_t(s.out_channels), -bound, bound);
}

void conv_transpose2d_forward(const LayerForwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const ConvGeometry g = geometry(s);
    const int m = a.batch * in_positions(s), c = s.in_channels, ok = g.patch();
    float* x_rows = a.cache;
    float* cols = a.scratch;
    planes_to_rows(a.batch, c, in_positions(s), a.in, x_rows);
    gemm(m, ok, c, x_rows, c, Op::None, a.params, ok, Op::None, cols, ok, false);
    const float* bias = a.params + size_t(c) * ok;
    const int out_positions = s.out.h * s.out.w;
    for (int n = 0; n < a.batch; ++n)
        for (int o = 0; o < s.out_channels; ++o)
            std::fill_n(a.out + (size_t(n) * s.out_channels + o) * out_positions, out_positions, bias[o]);
    col2im_accumulate(g, a.batch, cols, a.out);
}

void conv_transpose2d_backward(const LayerBackwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const ConvGeometry g = geometry(s);
    const int m = a.batch * in_positions(s), c = s.in_channels, ok = g.patch();
    float* d_cols = a.scratch;
    im2col(g, a.batch, a.d_out, d_cols);
    if (a.grads) {
        gemm(c, ok, m, a.cache, c, Op::Transpose, d_cols, ok, Op::None, a.grads, ok, true);
        float* d_bias = a.grads + size_t(c) * ok;
        const int out_positions = s.out.h * s.out.w;
        for (int n = 0; n < a.batch; ++n)
            for (int o = 0; o < s.out_channels; ++o) {
                const float* plane = a.d_out + (size_t(n) * s.out_channels + o) * out_positions;
                float sum = d_bias[o];
                for (int q = 0; q < out_positions; ++q) sum += plane[q];
                d_bias[o] = sum;
            }
    }
    if (a.d_in) {
        float* d_rows = a.scratch + cols_floats(s, a.batch);
        gemm(m, c, ok, d_cols, ok, Op::None, a.params, ok, Op::Transpose, d_rows, c, false);
        const int positions = in_positions(s);
        for (int n = 0; n < a.batch; ++n)
            for (int ch = 0; ch < c; ++ch) {
                const float* src = d_rows + size_t(n) * positions * c + ch;
                float* dst = a.d_in + (size_t(n) * c + ch) * positions;
                for (int q = 0; q < positions; ++q) dst[q] = src[size_t(q) * c];
            }
    }
}

void conv_transpose2d_gemms(const LayerSpec& s, int batch, std::vector<LayerGemm>* out) {
    const int m = batch * in_positions(s), c = s.in_channels, ok = geometry(s).patch();
    out->push_back({LayerPass::Forward, {m, ok, c, Op::None, Op::None}});
    out->push_back({LayerPass::InputGrad, {m, c, ok, Op::None, Op::Transpose}});
    out->push_back({LayerPass::WeightGrad, {c, ok, m, Op::Transpose, Op::None}});
}

LayerFlops conv_transpose2d_flops(const LayerSpec& s, int batch) {
    const double macs = double(batch) * in_positions(s) * s.in_channels * geometry(s).patch();
    return {macs, macs, macs};
}

}  // namespace

const LayerRecord conv_transpose2d_record = {
    "ConvTranspose2d",
    conv_transpose2d_output_shape,
    conv_transpose2d_tensors,
    conv_transpose2d_cache_floats,
    conv_transpose2d_init,
    conv_transpose2d_forward,
    conv_transpose2d_backward,
    conv_transpose2d_flops,
    conv_transpose2d_gemms,
    nullptr,  // no fusion
    nullptr,
    nullptr,  // no double backward: only D's layers need one (gradient penalties)
    conv_transpose2d_scratch_floats,
};

LayerSpec LayerSpec::conv_transpose2d(int in_channels, int out_channels, int kernel, int stride, int padding) {
    return conv_spec(&conv_transpose2d_record, in_channels, out_channels, kernel, stride, padding);
}

}  // namespace ganvas
