// layers/relu.cpp - ReLU: out = in > 0 ? in : 0 (the DCGAN generator's activation).
//
// Element-wise over (N, C, H, W); no tensors, no cache (backward reads the input). Its gradient
// at exactly 0 is 0, as PyTorch's.
#include "nn/layers/elementwise.h"

namespace ganvas {

namespace {

// out = in > 0 ? value : 0, over `size` floats: forward (value = in), backward and double
// backward (value = the upstream gradient).
void relu_select(const float* __restrict in, const float* __restrict value, float* __restrict out, Eigen::Index size) {
    for (Eigen::Index i = 0; i < size; ++i) out[i] = in[i] > 0.0f ? value[i] : 0.0f;
}

void relu_forward(const LayerForwardArgs& a) {
    relu_select(a.in, a.in, a.out, a.batch * a.spec->in.size());
}

void relu_backward(const LayerBackwardArgs& a) {
    if (a.d_in) relu_select(a.in, a.d_out, a.d_in, a.batch * a.spec->in.size());
}

// d_in = mask(in) * d_out with the mask constant almost everywhere: u_out = mask(in) * u_in.
void relu_double_backward(const LayerDoubleBackwardArgs& a) {
    relu_select(a.in, a.u_in, a.u_out, a.batch * a.spec->in.size());
}

}  // namespace

const LayerRecord relu_record = elementwise_record("ReLU", relu_forward, relu_backward, relu_double_backward);

LayerSpec LayerSpec::relu() {
    LayerSpec s;
    s.kind = &relu_record;
    return s;
}

}  // namespace ganvas
