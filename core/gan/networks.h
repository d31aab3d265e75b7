// networks.h - the seed's generator and discriminator, built from a config.
#pragma once

#include <cstdint>
#include <vector>

#include "gan/config.h"
#include "nn/model.h"

namespace ganvas {

// The seed's networks, layer for layer (PyTorch nn.Sequential indices); D's output is a logit.
std::vector<LayerSpec> generator_layers(const GanConfig& config);
std::vector<LayerSpec> discriminator_layers(const GanConfig& config);
// The initial weight_u, weight_v of every SpectralLinear layer of d (spectral_norm), from
// Rng(seed, streams::kSpectral): per layer in order, u (out) then v (in) N(0, 1), normalised,
// as PyTorch's spectral_norm draws them. A no-op for a D without such layers.
void discriminator_init_spectral(Sequential& d, uint64_t seed);

// FLOPs (2 per multiply-add) of the layers' products (LayerRecord::flops) in one train_step at
// the config's batch size, counting only what is needed (G's step never computes D's weight
// gradients; the first layer's input gradient is never computed). 737.1 MFLOP for the seed at
// batch 64.
double gan_step_flops(const GanConfig& config);

}  // namespace ganvas
