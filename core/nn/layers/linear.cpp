// layers/linear.cpp - Linear(in_features, out_features): out = in * weight^T + bias.
//
// Shapes: N = batch, I = in features, O = out features; in (N, I), out (N, O), weight (O, I)
// as PyTorch stores it, bias (O). Fuses with a following LeakyReLU (one pass over the output).
#include <cassert>
#include <cmath>

#include "base/rng.h"
#include "nn/gemm.h"
#include "nn/layers.h"
#include "nn/layers/layer.h"
#include "nn/layers/reduce.h"

namespace ganvas {

// [SECTION] Math

void linear_forward(MatrixView out, ConstMatrixView in, const float* weight, const float* bias) {
    const int n = int(in.rows()), fan_in = int(in.cols()), fan_out = int(out.cols());
    assert(out.rows() == n && "linear_forward: batch sizes of in and out differ");
    gemm(n, fan_out, fan_in, in.data(), fan_in, Op::None, weight, fan_in, Op::Transpose, out.data(), fan_out, false);
    out.rowwise() += ConstRowVectorView(bias, fan_out);
}

void linear_leaky_relu_forward(MatrixView out, MatrixView activated, ConstMatrixView in, const float* weight,
                               const float* bias, float slope) {
    const int n = int(in.rows()), fan_in = int(in.cols()), fan_out = int(out.cols());
    assert(out.rows() == n && activated.rows() == n && activated.cols() == fan_out &&
           "linear_leaky_relu_forward: out and activated are (N, out_features)");
    gemm(n, fan_out, fan_in, in.data(), fan_in, Op::None, weight, fan_in, Op::Transpose, out.data(), fan_out, false);
    for (int r = 0; r < n; ++r) {
        float* __restrict y = out.data() + size_t(r) * fan_out;
        float* __restrict a = activated.data() + size_t(r) * fan_out;
        for (int c = 0; c < fan_out; ++c) {
            const float v = y[c] + bias[c];
            y[c] = v;
            a[c] = leaky_select(v, v, slope);
        }
    }
}

void linear_backward(MatrixView* d_in, float* d_weight, float* d_bias, ConstMatrixView d_out,
                     ConstMatrixView in, const float* weight) {
    const int n = int(in.rows()), fan_in = int(in.cols()), fan_out = int(d_out.cols());
    if (d_in)
        gemm(n, fan_in, fan_out, d_out.data(), fan_out, Op::None, weight, fan_in, Op::None, d_in->data(), fan_in, false);
    if (d_weight)
        gemm(fan_out, fan_in, n, d_out.data(), fan_out, Op::Transpose, in.data(), fan_in, Op::None, d_weight, fan_in, true);
    if (d_bias) column_sums_accumulate(d_out.data(), n, fan_out, d_bias);
}

// [SECTION] Record

namespace {

int fan_in(const LayerSpec& s) { return s.in.c; }
int fan_out(const LayerSpec& s) { return s.out.c; }

SampleShape linear_output_shape(const LayerSpec& s, SampleShape in) {
    assert(in.is_features() && in.c == s.in.c && "Linear: the input must be (in_features) per sample");
    (void)in;
    return s.out;
}

void linear_tensors(const LayerSpec& s, std::vector<TensorDecl>* out) {
    out->push_back({"weight", {fan_out(s), fan_in(s)}, TensorStore::Params});
    out->push_back({"bias", {fan_out(s)}, TensorStore::Params});
}

// PyTorch's default: weight and bias ~ U(-1/sqrt(fan_in), +1/sqrt(fan_in)) (kaiming_uniform
// with a = sqrt(5) reduces to that bound), weight first.
void linear_init(const LayerSpec& s, float* params, float*, int64_t*, Rng& rng) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in(s)));
    const size_t weights = size_t(fan_out(s)) * fan_in(s);
    rng.fill_uniform(params, weights, -bound, bound);
    rng.fill_uniform(params + weights, size_t(fan_out(s)), -bound, bound);
}

void linear_record_forward(const LayerForwardArgs& a) {
    const LayerSpec& s = *a.spec;
    linear_forward(MatrixView(a.out, a.batch, fan_out(s)), ConstMatrixView(a.in, a.batch, fan_in(s)), a.params,
                   a.params + size_t(fan_out(s)) * fan_in(s));
}

void linear_record_backward(const LayerBackwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const size_t weights = size_t(fan_out(s)) * fan_in(s);
    MatrixView d_in(a.d_in, a.batch, fan_in(s));
    linear_backward(a.d_in ? &d_in : nullptr, a.grads, a.grads ? a.grads + weights : nullptr,
                    ConstMatrixView(a.d_out, a.batch, fan_out(s)), ConstMatrixView(a.in, a.batch, fan_in(s)),
                    a.params);
}

// d_in = d_out * W does not depend on in: u_out = u_in * W^T (the forward's product, no bias),
// dW += d_out^T * u_in (the weight gradient's product with u_in in the input's place); the bias
// is not in d_in, so its gradient gets nothing.
void linear_record_double_backward(const LayerDoubleBackwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const int n = a.batch, i = fan_in(s), o = fan_out(s);
    gemm(n, o, i, a.u_in, i, Op::None, a.params, i, Op::Transpose, a.u_out, o, false);
    if (a.grads) gemm(o, i, n, a.d_out, o, Op::Transpose, a.u_in, i, Op::None, a.grads, i, true);
}

void linear_gemms(const LayerSpec& s, int batch, std::vector<LayerGemm>* out) {
    const int i = fan_in(s), o = fan_out(s);
    const std::vector<GemmShape> products = gemm_linear_shapes(batch, i, o);  // the table in nn/gemm.h
    const LayerPass passes[3] = {LayerPass::Forward, LayerPass::InputGrad, LayerPass::WeightGrad};
    for (int p = 0; p < 3; ++p) out->push_back({passes[p], products[size_t(p)]});
}

LayerFlops linear_flops(const LayerSpec& s, int batch) {
    const double macs = double(batch) * fan_in(s) * fan_out(s);
    return {macs, macs, macs};
}

bool linear_fuses_with(const LayerSpec&, const LayerSpec& next) { return next.kind == LayerKind::LeakyReLU; }

// Linear then LeakyReLU: bias and activation in one pass; both outputs are kept for backward.
void linear_forward_fused(const LayerForwardArgs& self, const LayerForwardArgs& next) {
    const LayerSpec& s = *self.spec;
    linear_leaky_relu_forward(MatrixView(self.out, self.batch, fan_out(s)), MatrixView(next.out, self.batch, fan_out(s)),
                              ConstMatrixView(self.in, self.batch, fan_in(s)), self.params,
                              self.params + size_t(fan_out(s)) * fan_in(s), next.spec->negative_slope);
}

}  // namespace

const LayerRecord linear_record = {
    "Linear",
    linear_output_shape,
    linear_tensors,
    nullptr,  // cache: backward reads only its input
    linear_init,
    linear_record_forward,
    linear_record_backward,
    linear_flops,
    linear_gemms,
    linear_fuses_with,
    linear_forward_fused,
    linear_record_double_backward,
    nullptr,  // no workspace
};

LayerSpec LayerSpec::linear(int in_features, int out_features) {
    LayerSpec s;
    s.kind = &linear_record;
    s.in = SampleShape::features(in_features);
    s.out = SampleShape::features(out_features);
    return s;
}

}  // namespace ganvas
