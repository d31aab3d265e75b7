// penalty.h - penalties on D's input gradient: WGAN-GP's and R1.
//
// Both are functions of g_i = grad_x D(x_i), D's gradient with respect to its input at a point
// x_i (one row per sample: D scores each sample alone, it has no BatchNorm), and each adds
// dP/d(D's weights) to D's gradients (nn/double_backward.h does the second-order work):
//   WGAN-GP (Gulrajani et al. 2017)  P = lambda * mean_i (||g_i|| - 1)^2 at the interpolates
//            x_hat_i = eps_i * real_i + (1 - eps_i) * fake_i, eps_i ~ U[0, 1) per sample
//   R1 (Mescheder et al. 2018)       P = gamma / 2 * mean_i ||g_i||^2 at the real samples
// The training step (gan.cpp) calls them after the fake half of a D step, before D's Adam.
//
// eps comes from its own stream, keyed by the step, so nothing else's draws change when the
// penalty is on, checkpoints need no new state, and a run is the same on any thread count and
// in wasm: D step k (0-based) of iteration s (s iterations done before it) draws
// Rng(stream_seed(seed, s * 16 + k), streams::kPenalty).uniform() once per sample, in order
// (16 = the most D steps per iteration the settings allow).
#pragma once

#include <cstdint>

#include "nn/double_backward.h"
#include "nn/model.h"

namespace ganvas {

// What a penalty keeps between calls (owned by the caller; no allocation after the first call
// at a batch size).
struct PenaltyCache {
    SequentialCache forward;   // D on the interpolates
    InputGradientCache grad;   // g and the layers' upstream gradients
    Matrix points;             // the interpolates (N, 784)
    Matrix ones;               // d_output = 1 (N, 1)
    Matrix u;                  // dP/dg (N, 784)
};

// The WGAN-GP penalty at the interpolates of real and fake (N, 784 each) with weights eps (N),
// added to d's gradients; returns P. lambda > 0.
float wgan_gp_penalty(Sequential& d, ConstMatrixView real, ConstMatrixView fake, const float* eps, float lambda,
                      PenaltyCache& cache);

// The R1 penalty at the points of `forward_on_real`, a forward of d (all layers, current
// weights) on the real batch that the caller keeps; added to d's gradients; returns P. gamma > 0.
float r1_penalty(Sequential& d, const SequentialCache& forward_on_real, float gamma, PenaltyCache& cache);

// The eps of D step `d_step` of iteration `step` (see the top): n values in [0, 1).
void penalty_eps(uint64_t seed, int64_t step, int d_step, int n, float* eps);

}  // namespace ganvas
