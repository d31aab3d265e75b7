// layers/elementwise.h - helpers for the records of element-wise kinds (activations).
//
// An element-wise kind keeps the shape, has no tensors, no cache and no products; its record
// differs from another's only in its name, forward and backward.
#pragma once

#include "nn/layers/layer.h"

namespace ganvas {

// The record of an element-wise kind.
constexpr LayerRecord elementwise_record(const char* name, void (*forward)(const LayerForwardArgs&),
                                         void (*backward)(const LayerBackwardArgs&),
                                         void (*double_backward)(const LayerDoubleBackwardArgs&) = nullptr) {
    return {name,    layer_shape_unchanged, nullptr, nullptr, nullptr,        forward, backward,
            nullptr, nullptr,               nullptr, nullptr, double_backward, nullptr};
}

// Record operations over a batch viewed as (N, C*H*W), for math written as
// Forward(out, in) and Backward(d_in, d_out, out) (kinds whose backward reads their output).
template <void (*Forward)(MatrixView, ConstMatrixView), void (*Backward)(MatrixView, ConstMatrixView, ConstMatrixView)>
struct OutputActivation {
    static void forward(const LayerForwardArgs& a) {
        const Eigen::Index f = a.spec->in.size();
        Forward(MatrixView(a.out, a.batch, f), ConstMatrixView(a.in, a.batch, f));
    }
    static void backward(const LayerBackwardArgs& a) {
        if (!a.d_in) return;  // nothing else to compute
        const Eigen::Index f = a.spec->in.size();
        Backward(MatrixView(a.d_in, a.batch, f), ConstMatrixView(a.d_out, a.batch, f), ConstMatrixView(a.out, a.batch, f));
    }
};

template <void (*Forward)(MatrixView, ConstMatrixView), void (*Backward)(MatrixView, ConstMatrixView, ConstMatrixView)>
constexpr LayerRecord output_activation_record(const char* name) {
    return elementwise_record(name, OutputActivation<Forward, Backward>::forward, OutputActivation<Forward, Backward>::backward);
}

}  // namespace ganvas
