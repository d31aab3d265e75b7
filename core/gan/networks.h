// networks.h - the seed's generator and discriminator, built from a config.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gan/config.h"
#include "nn/model.h"

namespace ganvas {

// The architectures config.arch names: "mlp" (the seed's), "dcgan".
std::vector<std::string> gan_arch_names();
// What the architecture needs of the rest of the config (dcgan: 28x28 images, 1 or 2 widths of
// 1..256 channels each, no spectral_norm), with the setting's key and a reason.
Status gan_arch_validate(const GanConfig& config);

// The networks, layer for layer (PyTorch nn.Sequential indices); D's output is a logit.
// mlp, the seed's (SEED.md):
//   G: Linear(latent, h0), LeakyReLU, then per further width Linear, BatchNorm1d, LeakyReLU;
//      Linear(h_last, 784), Tanh
//   D: per width Linear, LeakyReLU; Linear(h_last, 1)
// dcgan (Radford et al. 2016, sized for 28x28: g_hidden {c1, c2}, d_hidden {d1, d2}):
//   G: Linear(latent, c1*7*7), BatchNorm1d, ReLU, Unflatten(c1, 7, 7),
//      ConvTranspose2d(c1, c2, 4, 2, 1) -> 14x14, BatchNorm2d, ReLU,
//      ConvTranspose2d(c2, 1, 4, 2, 1) -> 28x28, Tanh
//   D: Unflatten(1, 28, 28), Conv2d(1, d1, 4, 2, 1) -> 14x14, LeakyReLU,
//      Conv2d(d1, d2, 4, 2, 1) -> 7x7, LeakyReLU, Flatten, Linear(d2*7*7, 1)
//   With one width G starts at 14x14 and D stops there; g_batchnorm false drops G's BatchNorm
//   layers; minibatch_stddev goes before D's last Linear, as in the mlp.
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
