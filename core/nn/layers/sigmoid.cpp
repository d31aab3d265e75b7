// layers/sigmoid.cpp - Sigmoid: out = 1 / (1 + exp(-in)), element-wise; backward reads its output.
#include <cmath>

#include "nn/layers.h"
#include "nn/layers/elementwise.h"

namespace ganvas {

// [SECTION] Math

void sigmoid_forward(MatrixView out, ConstMatrixView in) {
    const Eigen::Index size = in.size();
    for (Eigen::Index i = 0; i < size; ++i) out.data()[i] = 1.0f / (1.0f + std::exp(-in.data()[i]));
}

void sigmoid_backward(MatrixView d_in, ConstMatrixView d_out, ConstMatrixView out) {
    const Eigen::Index size = out.size();
    for (Eigen::Index i = 0; i < size; ++i) {
        const float y = out.data()[i];
        d_in.data()[i] = d_out.data()[i] * y * (1.0f - y);
    }
}

// [SECTION] Record

const LayerRecord sigmoid_record = output_activation_record<sigmoid_forward, sigmoid_backward>("Sigmoid");

LayerSpec LayerSpec::sigmoid() { return LayerSpec{&sigmoid_record}; }

}  // namespace ganvas
