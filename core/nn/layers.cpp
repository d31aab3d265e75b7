// layers.cpp - forward/backward of Linear, LeakyReLU, Tanh, Sigmoid, BatchNorm1d.
#include "nn/layers.h"

#include "nn/gemm.h"

#include <cassert>
#include <cmath>

namespace ganvas {

// LeakyReLU's select: `value` where x > 0, slope * value elsewhere. Written as two selects
// against 0 plus a multiply-add, which vectorise (see leaky_relu_forward). Shared by the plain
// and the fused forward and by backward.
inline float leaky_select(float x, float value, float slope) {
    return (x > 0.0f ? value : 0.0f) + slope * (x > 0.0f ? 0.0f : value);
}

// [SECTION] Reductions
//
// Column sums written as plain row-by-row loops: each column is summed in row order, in every
// build. (Eigen's colwise().sum() uses its own SIMD order natively and a scalar order in wasm,
// which made native and wasm results differ in the last bits.) The inner loop runs across
// columns, so it still vectorises, lane by lane, without changing the order of any sum.

// out[c] += sum over rows r of x[r][c]
static void column_sums_accumulate(const float* x, int rows, int cols, float* __restrict out) {
    for (int r = 0; r < rows; ++r) {
        const float* __restrict row = x + size_t(r) * cols;
        for (int c = 0; c < cols; ++c) out[c] += row[c];
    }
}

// out[c] += sum over rows r of x[r][c] * y[r][c]
static void column_dots_accumulate(const float* x, const float* y, int rows, int cols, float* __restrict out) {
    for (int r = 0; r < rows; ++r) {
        const float* __restrict xr = x + size_t(r) * cols;
        const float* __restrict yr = y + size_t(r) * cols;
        for (int c = 0; c < cols; ++c) out[c] += xr[c] * yr[c];
    }
}

// [SECTION] Linear

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

// [SECTION] Element-wise activations

// Written as two selects against 0 plus a multiply-add, which vectorise: a conditional
// multiply (x > 0 ? x : slope * x) stays scalar and branchy - GCC may not speculate a multiply
// that could trap - and mispredicted on random signs (8% of a native step). Same values, except
// that -0 maps to +0.
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

// [SECTION] BatchNorm1d

void batchnorm_forward_train(MatrixView out, MatrixView x_hat, float* inv_std, float* batch_mean,
                             float* batch_var_biased, ConstMatrixView in, const float* gamma,
                             const float* beta, float eps) {
    const Eigen::Index n = in.rows(), f = in.cols();
    assert(n > 1 && "batchnorm_forward_train: training mode needs at least 2 samples");
    RowVectorView mean(batch_mean, f), var(batch_var_biased, f), istd(inv_std, f);
    mean.setZero();
    column_sums_accumulate(in.data(), int(n), int(f), batch_mean);
    mean /= static_cast<float>(n);
    x_hat = in.rowwise() - mean;
    var.setZero();
    column_dots_accumulate(x_hat.data(), x_hat.data(), int(n), int(f), batch_var_biased);
    var /= static_cast<float>(n);
    // 1 / sqrt, both correctly rounded (Eigen's rsqrt() is an estimate + Newton step natively).
    for (Eigen::Index c = 0; c < f; ++c) istd(c) = 1.0f / std::sqrt(var(c) + eps);
    x_hat.array().rowwise() *= istd.array();
    out = (x_hat.array().rowwise() * ConstRowVectorView(gamma, f).array()).rowwise() +
          ConstRowVectorView(beta, f).array();
}

void batchnorm_forward_eval(MatrixView out, ConstMatrixView in, const float* gamma, const float* beta,
                            const float* running_mean, const float* running_var, float eps) {
    const Eigen::Index f = in.cols();
    for (Eigen::Index r = 0; r < in.rows(); ++r) {
        for (Eigen::Index c = 0; c < f; ++c) {
            const float istd = 1.0f / std::sqrt(running_var[c] + eps);
            out(r, c) = (in(r, c) - running_mean[c]) * istd * gamma[c] + beta[c];
        }
    }
}

void batchnorm_update_running(float* running_mean, float* running_var, const float* batch_mean,
                              const float* batch_var_biased, int features, int batch, float momentum) {
    const float unbias = static_cast<float>(batch) / static_cast<float>(batch - 1);
    for (int c = 0; c < features; ++c) {
        running_mean[c] = (1.0f - momentum) * running_mean[c] + momentum * batch_mean[c];
        running_var[c] = (1.0f - momentum) * running_var[c] + momentum * batch_var_biased[c] * unbias;
    }
}

void batchnorm_backward(MatrixView d_in, float* d_gamma, float* d_beta, ConstMatrixView d_out,
                        ConstMatrixView x_hat, const float* inv_std, const float* gamma) {
    // With g = d_out * gamma (the gradient w.r.t. x_hat), per feature column:
    //   d_in = inv_std * (g - mean(g) - x_hat * mean(g * x_hat))
    const Eigen::Index n = d_out.rows(), f = d_out.cols();
    const Eigen::RowVectorXf::ConstMapType gam(gamma, f);
    // d_gamma/d_beta first: they only read d_out and x_hat.
    if (d_gamma) column_dots_accumulate(d_out.data(), x_hat.data(), int(n), int(f), d_gamma);
    if (d_beta) column_sums_accumulate(d_out.data(), int(n), int(f), d_beta);
    d_in = d_out.array().rowwise() * gam.array();  // g
    const Eigen::RowVectorXf::ConstMapType istd(inv_std, f);
    const float inv_n = 1.0f / static_cast<float>(n);
    for (Eigen::Index c = 0; c < f; ++c) {
        float sum_g = 0.0f, sum_gx = 0.0f;
        for (Eigen::Index r = 0; r < n; ++r) {
            sum_g += d_in(r, c);
            sum_gx += d_in(r, c) * x_hat(r, c);
        }
        const float mean_g = sum_g * inv_n, mean_gx = sum_gx * inv_n;
        for (Eigen::Index r = 0; r < n; ++r)
            d_in(r, c) = istd(c) * (d_in(r, c) - mean_g - x_hat(r, c) * mean_gx);
    }
}

}  // namespace ganvas
