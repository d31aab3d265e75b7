// remedies_noise_ema.h - two remedies of issue 10 around D's inputs and G's weights:
// annealed instance noise, and an exponential moving average (EMA) of G's weights for samples.
//
// Instance noise (Sønderby et al. 2016, "Amortised MAP inference"; Arjovsky & Bottou 2017,
// "Towards principled methods"): D never sees a clean image. Every input of D gets Gaussian
// noise N(0, sigma_t^2) per pixel - the real batch and the fakes of each D step, AND the fakes D
// scores in G's step, as both papers do (G is trained against the noisy D: it minimises
// g(D(G(z) + n)); the noise has no parameters, so D's input gradient reaches G unchanged).
// sigma_t anneals linearly to 0 over `instance_noise_steps` iterations, counted from the last
// time either setting changed (step 0, or the step a live change was recorded in the recipe),
// so a remedy button pressed at step 5,000 starts its own anneal; instance_noise_steps 0 keeps
// sigma constant. The noise comes from its own stream keyed by the step (streams::kInstanceNoise),
// drawn only when sigma_t > 0: the Gan's own streams draw exactly what they drew without it, so a
// run that switches it on mid-way has the same z and batches as before, and a checkpoint needs no
// new state (the anneal's start is in the recipe).
//   D step k (0-based) of iteration s (s iterations done): Rng(stream_seed(seed, s * 17 + k),
//   kInstanceNoise).fill_normal: N*784 for the real batch, then N*784 for the fakes;
//   G step of iteration s: the same with index s * 17 + 16, N*784 for the fakes.
//   noisy = x + (sigma_t * n) (float products, then the sum; no fused multiply-add).
//
// EMA of G (Karras et al. 2018; Yazıcı et al. 2019): a shadow copy of G's parameters, after
// every G step ema <- ema + (1 - d_t) * (w - ema), exactly torch.optim.swa_utils'
// get_ema_multi_avg_fn(d_t) (a lerp), with TensorFlow's warm-up
// d_t = min(ema_decay, (1 + t) / (10 + t)), t = updates done since it was switched on, so the
// average is not dominated by the random initial weights in the first thousands of steps (at
// t = 990 d_t reaches 0.99; 0.999 from t = 8,991). BatchNorm's running statistics and counters
// are NOT averaged but copied from G after each update (StyleGAN's practice): they are already a
// moving average of activations, and averaging an average again would lag behind the weights.
// The copy is made from G when the setting becomes > 0 (at step 0, or live) and dropped when it
// returns to 0. While it exists, Gan::sample_generator() is the EMA copy: every sample shown or
// written (grid, explorer, eval, `ganvas sample`, exported generator, link weight hash) comes
// from it; training itself never reads it. Checkpoints store it as generator_ema.<name> and the
// update count as trainer.ema_updates (io/checkpoint.cpp).
#pragma once

#include <cstdint>

#include "gan/recipe.h"
#include "nn/model.h"
#include "nn/tensor.h"

namespace ganvas {

// [SECTION] Instance noise

constexpr int kInstanceNoisePhaseG = 16;  // the G step's index after the D steps (<= 16 of them)

// sigma_t at iteration `step` (steps done) of the run, for the config in effect then: 0 when off
// or annealed away.
float instance_noise_sigma(const Recipe& recipe, const GanConfig& config, int64_t step);
// The step from which the anneal counts: the last timeline change of instance_noise or
// instance_noise_steps at or before `step`, else 0.
int64_t instance_noise_start(const Recipe& recipe, int64_t step);
// The unit normals of phase `phase` (D step index, or kInstanceNoisePhaseG) of iteration `step`.
void instance_noise_draw(uint64_t seed, int64_t step, int phase, float* unit, size_t n);
// out = x + sigma * unit, element by element (out may not alias unit).
void instance_noise_add(const float* x, const float* unit, float sigma, float* out, size_t n);

// [SECTION] EMA

// d_t of update `updates` (0 for the first) of a run with setting `decay`.
double ema_decay_at(float decay, int64_t updates);
// One update: ema's params lerp towards g's by 1 - decay_t; buffers and counters copied.
void ema_update(Sequential& ema, const Sequential& g, double decay_t);

}  // namespace ganvas
