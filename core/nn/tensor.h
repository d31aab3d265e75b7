// tensor.h - the matrix types the core computes with.
//
// Activations are row-major (batch, features): one sample per row, exactly the memory
// layout of a PyTorch tensor of shape (N, F). Weights of a Linear layer are row-major
// (out, in), the layout of PyTorch's `weight`, so checkpoints map 1:1 onto state_dict.
// Core functions take Eigen::Map views over memory the caller owns, never owning copies.
#pragma once

#include <Eigen/Core>

namespace ganvas {

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
