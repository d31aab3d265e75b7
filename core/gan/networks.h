// networks.h - the seed's generator and discriminator, built from a config.
#pragma once

#include <vector>

#include "gan/config.h"
#include "nn/model.h"

namespace ganvas {

// The seed's networks, layer for layer (PyTorch nn.Sequential indices); D's output is a logit.
std::vector<LayerSpec> generator_layers(const GanConfig& config);
std::vector<LayerSpec> discriminator_layers(const GanConfig& config);

// FLOPs (2 per multiply-add) of the layers' products (LayerRecord::flops) in one train_step at
// the config's batch size, counting only what is needed (G's step never computes D's weight
// gradients; the first layer's input gradient is never computed). 737.1 MFLOP for the seed at
// batch 64.
double gan_step_flops(const GanConfig& config);

}  // namespace ganvas
