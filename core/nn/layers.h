// layers.h - the math of the layer kinds as explicit forward/backward pairs (llm.c style).
//
// Each pair is defined in its kind's file under layers/ (linear.cpp, leaky_relu.cpp, tanh.cpp,
// sigmoid.cpp, batchnorm1d.cpp, spectral_linear.cpp, minibatch_stddev.cpp), next to the record that wires it into a network
// (layers/layer.h). Networks call the records; tests call these directly.
//
// Shapes: N = batch, I = in features, O = out features. Activations are row-major (N, F).
// Conventions, the same for every layer:
//   - forward writes `out`; it never allocates;
//   - backward writes `d_in` (overwrites) and ACCUMULATES parameter gradients (+=), so
//     two backward passes through one network (real batch, then fake batch) sum up, and
//     zeroing gradients is the caller's explicit job;
//   - a null parameter-gradient pointer means "not needed": that work is skipped (the G
//     step needs D's input gradients, never D's weight gradients);
//   - whatever backward needs from forward is passed in by the caller, who owns it.
#pragma once

#include "nn/tensor.h"

namespace ganvas {

// out(N,O) = in(N,I) * weight(O,I)^T + bias(O)
void linear_forward(MatrixView out, ConstMatrixView in, const float* weight, const float* bias);
// Linear then LeakyReLU in one pass over the output: out = in * weight^T + bias (kept: the
// Linear layer's output, which backward needs) and activated = leaky_relu(out, slope).
// The same bits as linear_forward followed by leaky_relu_forward.
void linear_leaky_relu_forward(MatrixView out, MatrixView activated, ConstMatrixView in, const float* weight,
                               const float* bias, float slope);
// d_in(N,I) = d_out * weight  (skipped when d_in is null)
// d_weight(O,I) += d_out^T * in ; d_bias(O) += column sums of d_out  (skipped when null)
void linear_backward(MatrixView* d_in, float* d_weight, float* d_bias, ConstMatrixView d_out,
                     ConstMatrixView in, const float* weight);

// out = in > 0 ? in : slope * in
void leaky_relu_forward(MatrixView out, ConstMatrixView in, float slope);
void leaky_relu_backward(MatrixView d_in, ConstMatrixView d_out, ConstMatrixView in, float slope);

void tanh_forward(MatrixView out, ConstMatrixView in);
void tanh_backward(MatrixView d_in, ConstMatrixView d_out, ConstMatrixView out);

void sigmoid_forward(MatrixView out, ConstMatrixView in);
void sigmoid_backward(MatrixView d_in, ConstMatrixView d_out, ConstMatrixView out);

// BatchNorm1d over the batch dimension, PyTorch semantics.
// Training: normalise with the batch mean and biased variance; saves x_hat (N,F) and
// inv_std (F) for backward. Eval: normalise with running statistics (no saves).
void batchnorm_forward_train(MatrixView out, MatrixView x_hat, float* inv_std, float* batch_mean,
                             float* batch_var_biased, ConstMatrixView in, const float* gamma,
                             const float* beta, float eps);
void batchnorm_forward_eval(MatrixView out, ConstMatrixView in, const float* gamma, const float* beta,
                            const float* running_mean, const float* running_var, float eps);
// running = (1 - momentum) * running + momentum * batch, with the UNBIASED batch variance
// (N / (N - 1) times the biased one) for running_var, as PyTorch does.
void batchnorm_update_running(float* running_mean, float* running_var, const float* batch_mean,
                              const float* batch_var_biased, int features, int batch, float momentum);
void batchnorm_backward(MatrixView d_in, float* d_gamma, float* d_beta, ConstMatrixView d_out,
                        ConstMatrixView x_hat, const float* inv_std, const float* gamma);

// Spectral normalisation of weight (O, I), torch.nn.utils.spectral_norm with dim 0 and eps 1e-12
// (layers/spectral_linear.cpp). With power_iteration: v = normalize(W^T u), u = normalize(W v),
// in place. Then t(O) = W v, sigma = u . t and w_sn = weight / sigma; returns sigma.
float spectral_normalize(float* w_sn, float* u, float* v, float* t, const float* weight, int out, int in,
                         bool power_iteration);
// d_weight(O, I) += G / sigma - (<G, W_sn> / sigma) u v^T: the gradient through W_sn = W / sigma
// with u, v held fixed, for G = dL/dW_sn.
void spectral_weight_grad(float* d_weight, const float* g, const float* w_sn, const float* u, const float* v,
                          float sigma, int out, int in);
// PyTorch's initial u, v: each N(0, 1) from rng (u first), normalised.
class Rng;
void spectral_linear_init_vectors(float* u, float* v, int out, int in, Rng& rng);

// ProGAN's minibatch standard deviation (layers/minibatch_stddev.cpp): out(N, F+1) = [in, s],
// s = mean_f sqrt(biased var_n(in[:, f]) + 1e-8); keeps mean (F) and stddev (F) for backward.
void minibatch_stddev_forward(MatrixView out, float* mean, float* stddev, ConstMatrixView in);
void minibatch_stddev_backward(MatrixView d_in, ConstMatrixView d_out, ConstMatrixView in, const float* mean,
                               const float* stddev);

}  // namespace ganvas
