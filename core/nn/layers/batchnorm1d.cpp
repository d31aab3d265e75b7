// layers/batchnorm1d.cpp - BatchNorm1d(num_features) over the batch dimension, PyTorch semantics.
//
// Shapes: N = batch, F = num_features; in and out (N, F). Tensors: weight (gamma) and bias
// (beta) (F), trainable; running_mean and running_var (F), buffers; num_batches_tracked, a
// counter. Training modes normalise with the batch mean and biased variance and keep, per
// layer, x_hat (N, F), inv_std, batch_mean and the biased batch_var (F each) for backward
// and the running update; Eval normalises with the running statistics and keeps nothing.
#include <algorithm>
#include <cassert>
#include <cmath>

#include "nn/layers.h"
#include "nn/layers/layer.h"
#include "nn/layers/reduce.h"

namespace ganvas {

// [SECTION] Math

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

// d_gamma += column dots of d_out and x_hat; d_beta += column sums of d_out (each skipped when
// null). They only read d_out and x_hat.
static void batchnorm_param_grads(float* d_gamma, float* d_beta, ConstMatrixView d_out, ConstMatrixView x_hat) {
    const int n = int(d_out.rows()), f = int(d_out.cols());
    if (d_gamma) column_dots_accumulate(d_out.data(), x_hat.data(), n, f, d_gamma);
    if (d_beta) column_sums_accumulate(d_out.data(), n, f, d_beta);
}

void batchnorm_backward(MatrixView d_in, float* d_gamma, float* d_beta, ConstMatrixView d_out,
                        ConstMatrixView x_hat, const float* inv_std, const float* gamma) {
    // With g = d_out * gamma (the gradient w.r.t. x_hat), per feature column:
    //   d_in = inv_std * (g - mean(g) - x_hat * mean(g * x_hat))
    const Eigen::Index n = d_out.rows(), f = d_out.cols();
    const Eigen::RowVectorXf::ConstMapType gam(gamma, f);
    batchnorm_param_grads(d_gamma, d_beta, d_out, x_hat);  // first: they only read d_out and x_hat
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

// [SECTION] Record

void batchnorm_declare_tensors(int64_t f, std::vector<TensorDecl>* out) {
    out->push_back({"weight", {f}, TensorStore::Params});
    out->push_back({"bias", {f}, TensorStore::Params});
    out->push_back({"running_mean", {f}, TensorStore::Buffers});
    out->push_back({"running_var", {f}, TensorStore::Buffers, true});
    out->push_back({"num_batches_tracked", {}, TensorStore::Counter});
}

// PyTorch's default: weight 1, bias 0, running mean 0, running var 1, no batches tracked.
void batchnorm_init_tensors(int f, float* params, float* buffers, int64_t* counters) {
    std::fill_n(params, f, 1.0f);
    std::fill_n(params + f, f, 0.0f);
    std::fill_n(buffers, f, 0.0f);
    std::fill_n(buffers + f, f, 1.0f);
    counters[0] = 0;
}

namespace {

// The cache of one layer: x_hat (N, F), then inv_std, batch_mean, batch_var (F each), each
// slice rounded up to 16 floats.
template <typename Float>  // float (forward) or const float (backward)
struct BatchNormCache {
    Float *x_hat, *inv_std, *batch_mean, *batch_var;
};
template <typename Float>
BatchNormCache<Float> batchnorm_cache_at(Float* cache, int batch, int f) {
    const size_t xs = layer_cache_round(size_t(batch) * f), fs = layer_cache_round(size_t(f));
    return {cache, cache + xs, cache + xs + fs, cache + xs + 2 * fs};
}

int features(const LayerSpec& s) { return s.in.c; }

SampleShape batchnorm_output_shape(const LayerSpec& s, SampleShape in) {
    assert(in.is_features() && in.c == s.in.c && "BatchNorm1d: the input must be (num_features) per sample");
    (void)s;
    return in;
}

void batchnorm_tensors(const LayerSpec& s, std::vector<TensorDecl>* out) { batchnorm_declare_tensors(features(s), out); }

size_t batchnorm_cache_floats(const LayerSpec& s, int batch) {
    return layer_cache_round(size_t(batch) * features(s)) + 3 * layer_cache_round(size_t(features(s)));
}

void batchnorm_init(const LayerSpec& s, float* params, float* buffers, int64_t* counters, Rng&) {
    batchnorm_init_tensors(features(s), params, buffers, counters);
}

void batchnorm_record_forward(const LayerForwardArgs& a) {
    const LayerSpec& s = *a.spec;
    const int f = features(s);
    const ConstMatrixView in(a.in, a.batch, f);
    MatrixView out(a.out, a.batch, f);
    if (a.mode == BatchNormMode::Eval) {
        batchnorm_forward_eval(out, in, a.params, a.params + f, a.buffers, a.buffers + f, s.eps);
        return;
    }
    const BatchNormCache<float> c = batchnorm_cache_at(a.cache, a.batch, f);
    batchnorm_forward_train(out, MatrixView(c.x_hat, a.batch, f), c.inv_std, c.batch_mean, c.batch_var, in, a.params,
                            a.params + f, s.eps);
    if (a.mode == BatchNormMode::Train) {
        assert(a.buffers_update && a.counters && "BatchNorm1d: Train mode needs writable running statistics");
        batchnorm_update_running(a.buffers_update, a.buffers_update + f, c.batch_mean, c.batch_var, f, a.batch,
                                 s.momentum);
        a.counters[0] += 1;
    }
}

void batchnorm_record_backward(const LayerBackwardArgs& a) {
    assert(a.mode != BatchNormMode::Eval && "BatchNorm1d: backward needs a training-mode forward");
    const int f = features(*a.spec);
    const BatchNormCache<const float> c = batchnorm_cache_at(a.cache, a.batch, f);
    const ConstMatrixView d_out(a.d_out, a.batch, f), x_hat(c.x_hat, a.batch, f);
    float* d_gamma = a.grads;
    float* d_beta = a.grads ? a.grads + f : nullptr;
    if (a.d_in)
        batchnorm_backward(MatrixView(a.d_in, a.batch, f), d_gamma, d_beta, d_out, x_hat, c.inv_std, a.params);
    else
        batchnorm_param_grads(d_gamma, d_beta, d_out, x_hat);
}

}  // namespace

const LayerRecord batchnorm1d_record = {
    "BatchNorm1d",
    batchnorm_output_shape,
    batchnorm_tensors,
    batchnorm_cache_floats,
    batchnorm_init,
    batchnorm_record_forward,
    batchnorm_record_backward,
    nullptr,  // per-feature scaling: no products
    nullptr,
    nullptr,  // no fusion
    nullptr,
    nullptr,  // no double backward: its Jacobian depends on the whole batch smoothly
    nullptr,  // no workspace
};

LayerSpec LayerSpec::batchnorm(int num_features) {
    LayerSpec s;
    s.kind = &batchnorm1d_record;
    s.in = s.out = SampleShape::features(num_features);
    return s;
}

}  // namespace ganvas
