// streams.h - every random stream Ganvas draws from, named in one place, and "the z of
// (seed, index)".
//
// A run is a pure function of (config, seed), so which stream feeds which draw is part of the
// file formats: checkpoints store the Gan's streams, and a shared link names a digit by its
// noise seed and index. Changing a number here changes what old checkpoints and links mean.
//
// Streams are PCG32 stream ids (base/rng.h): Rng(seed, id).
//   the Gan's own (gan.cpp)   kNoise: z of the D and G steps; kData: the batch sampler's
//                             shuffles; kInit: the initial weights (G's, then D's)
//   per D step, keyed by step  kPenalty: WGAN-GP's interpolation weights (gan/penalty.h);
//                             drawn only when the penalty is on, never from a Gan's streams
//   per D and G step, by step  kInstanceNoise: instance noise on D's inputs
//                             (gan/remedies_noise_ema.h); drawn only when it is on, likewise
//   spectral_norm's u, v      kSpectral: the initial weight_u, weight_v of D's layers, in layer
//                             order, u then v each (discriminator_init_spectral, gan/networks.h);
//                             drawn only when spectral_norm is on, so kInit's draws are unchanged
//   z of (seed, index)        sample_z(): one independent draw per index, from kSampleZ
//   the page's real digits    kRealDigits: which real digits the page shows beside the samples
#pragma once

#include <cstdint>

#include "nn/tensor.h"

namespace ganvas {

namespace streams {
constexpr uint64_t kNoise = 1;
constexpr uint64_t kData = 2;
constexpr uint64_t kInit = 3;
constexpr uint64_t kPenalty = 4;
constexpr uint64_t kSpectral = 5;
constexpr uint64_t kInstanceNoise = 6;
constexpr uint64_t kSampleZ = 100;
constexpr uint64_t kRealDigits = 102;
}  // namespace streams

// The z of (seed, index): latent_dim N(0, 1) values, the same on every platform and whatever
// else was drawn before. Index i of a seed never depends on index j, so the grid cell i, the
// i-th row of `ganvas sample` and a link naming (seed, i) are one z. Drawn from
// Rng(stream_seed(seed, index), streams::kSampleZ).
void sample_z(uint64_t seed, uint64_t index, int latent_dim, float* out);
// Rows first .. first + z.rows() - 1 of the seed's z: z.row(r) = sample_z(seed, first + r).
void sample_z_rows(uint64_t seed, uint64_t first, MatrixView z);
// The PCG32 seed of index `index` of noise seed `seed` (SplitMix64 of both): distinct
// indices give unrelated streams.
uint64_t stream_seed(uint64_t seed, uint64_t index);

}  // namespace ganvas
