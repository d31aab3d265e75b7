// layers/leaky_relu.cpp - LeakyReLU(negative_slope): out = in > 0 ? in : slope * in.
//
// Element-wise over (N, C, H, W); no tensors, no cache (backward reads the input). A Linear
// before it computes it in the same pass (layers/linear.cpp, linear_leaky_relu_forward).
#include "nn/layers.h"
#include "nn/layers/elementwise.h"
#include "nn/layers/reduce.h"

namespace ganvas {

// [SECTION] Math

// leaky_select (layers/reduce.h) vectorises; the plain conditional multiply did not.
void leaky_relu_forward(MatrixView out, ConstMatrixView in, float slope) {
    const Eigen::Index size = in.size();
    const float* __restrict x = in.data();
    float* __restrict y = out.data();
    for (Eigen::Index i = 0; i < size; ++i) y[i] = leaky_select(x[i], x[i], slope);
}

void leaky_relu_backward(MatrixView d_in, ConstMatrixView d_out, ConstMatrixView in, float slope) {
    const Eigen::Index size = in.size();
    const float* __restrict x = in.data();
    const float* __restrict dy = d_out.data();
    float* __restrict dx = d_in.data();
    for (Eigen::Index i = 0; i < size; ++i) dx[i] = leaky_select(x[i], dy[i], slope);
}

// [SECTION] Record

namespace {

void leaky_relu_record_forward(const LayerForwardArgs& a) {
    const Eigen::Index f = a.spec->in.size();
    leaky_relu_forward(MatrixView(a.out, a.batch, f), ConstMatrixView(a.in, a.batch, f), a.spec->negative_slope);
}

void leaky_relu_record_backward(const LayerBackwardArgs& a) {
    if (!a.d_in) return;
    const Eigen::Index f = a.spec->in.size();
    leaky_relu_backward(MatrixView(a.d_in, a.batch, f), ConstMatrixView(a.d_out, a.batch, f),
                        ConstMatrixView(a.in, a.batch, f), a.spec->negative_slope);
}

// d_in = mask(in) * d_out, and mask is constant almost everywhere: u_out = mask(in) * u_in.
void leaky_relu_record_double_backward(const LayerDoubleBackwardArgs& a) {
    const Eigen::Index f = a.spec->in.size();
    leaky_relu_backward(MatrixView(a.u_out, a.batch, f), ConstMatrixView(a.u_in, a.batch, f),
                        ConstMatrixView(a.in, a.batch, f), a.spec->negative_slope);
}

}  // namespace

const LayerRecord leaky_relu_record = elementwise_record("LeakyReLU", leaky_relu_record_forward, leaky_relu_record_backward,
                                                         leaky_relu_record_double_backward);

LayerSpec LayerSpec::leaky_relu(float negative_slope) {
    LayerSpec s;
    s.kind = &leaky_relu_record;
    s.negative_slope = negative_slope;
    return s;
}

}  // namespace ganvas
