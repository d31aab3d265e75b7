// streams.cpp - z of (seed, index). See streams.h.
#include "gan/streams.h"

#include "base/rng.h"

namespace ganvas {

namespace {
// SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijection that spreads every input bit.
uint64_t mix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}
}  // namespace

uint64_t stream_seed(uint64_t seed, uint64_t index) { return mix64(mix64(seed) ^ index); }

void sample_z(uint64_t seed, uint64_t index, int latent_dim, float* out) {
    Rng rng(stream_seed(seed, index), streams::kSampleZ);
    rng.fill_normal(out, size_t(latent_dim));
}

void sample_z_rows(uint64_t seed, uint64_t first, MatrixView z) {
    for (Eigen::Index r = 0; r < z.rows(); ++r) sample_z(seed, first + uint64_t(r), int(z.cols()), z.row(r).data());
}

}  // namespace ganvas
