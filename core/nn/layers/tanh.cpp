// layers/tanh.cpp - Tanh: out = tanh(in), element-wise; backward reads its output.
#include "nn/layers.h"
#include "nn/layers/elementwise.h"

namespace ganvas {

// [SECTION] Math

void tanh_forward(MatrixView out, ConstMatrixView in) {
    // Eigen's tanh: a vectorised rational approximation (within a few ulp) where Eigen has
    // SIMD, libm's tanhf elsewhere (wasm). libm's scalar tanhf cost ~2 ms per step natively.
    out.array() = in.array().tanh();
}

void tanh_backward(MatrixView d_in, ConstMatrixView d_out, ConstMatrixView out) {
    const Eigen::Index size = out.size();
    for (Eigen::Index i = 0; i < size; ++i) {
        const float y = out.data()[i];
        d_in.data()[i] = d_out.data()[i] * (1.0f - y * y);
    }
}

// [SECTION] Record

const LayerRecord tanh_record = output_activation_record<tanh_forward, tanh_backward>("Tanh");

LayerSpec LayerSpec::tanh() { return LayerSpec{&tanh_record}; }

}  // namespace ganvas
