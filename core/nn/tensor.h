// tensor.h - the shapes and matrix types the core computes with.
//
// Activations are row-major (N, C, H, W), PyTorch's NCHW layout: one sample is C*H*W contiguous
// floats, channel by channel, each channel H rows of W. Today's fully connected activations
// (N, F) are the case C = F, H = W = 1, so a batch is also a row-major matrix (N, C*H*W): one
// sample per row, which is how the layers hand activations to Eigen and the GEMM.
// Weights of a Linear layer are row-major (out, in), the layout of PyTorch's `weight`, so
// checkpoints map 1:1 onto state_dict.
// Core functions take Eigen::Map views over memory the caller owns, never owning copies.
#pragma once

#include <cstddef>
#include <cstdint>

#include <Eigen/Core>

namespace ganvas {

// [SECTION] Shapes

// The shape of ONE sample, (C, H, W). A feature vector of F values is (F, 1, 1).
struct SampleShape {
    int c = 0, h = 1, w = 1;

    static SampleShape features(int f) { return {f, 1, 1}; }
    int64_t size() const { return int64_t(c) * h * w; }  // floats per sample
    bool is_features() const { return h == 1 && w == 1; }
    bool operator==(const SampleShape& o) const { return c == o.c && h == o.h && w == o.w; }
    bool operator!=(const SampleShape& o) const { return !(*this == o); }
};

// The shape of a batch of activations, (N, C, H, W).
struct Shape {
    int n = 0, c = 0, h = 1, w = 1;

    static Shape of(int batch, SampleShape s) { return {batch, s.c, s.h, s.w}; }
    SampleShape sample() const { return {c, h, w}; }
    int64_t sample_size() const { return int64_t(c) * h * w; }
    int64_t size() const { return int64_t(n) * sample_size(); }
    bool operator==(const Shape& o) const { return n == o.n && c == o.c && h == o.h && w == o.w; }
    bool operator!=(const Shape& o) const { return !(*this == o); }
};

// [SECTION] Matrix views: a batch as (N, C*H*W)

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixView = Eigen::Map<Matrix>;
using ConstMatrixView = Eigen::Map<const Matrix>;
using RowVectorView = Eigen::Map<Eigen::RowVectorXf>;
using ConstRowVectorView = Eigen::Map<const Eigen::RowVectorXf>;

inline MatrixView view_of(Matrix& m) { return MatrixView(m.data(), m.rows(), m.cols()); }
inline ConstMatrixView const_view_of(const Matrix& m) {
    return ConstMatrixView(m.data(), m.rows(), m.cols());
}

}  // namespace ganvas
