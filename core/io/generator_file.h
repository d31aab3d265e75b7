// generator_file.h - a generator alone: the file the page explores before any training.
//
// Container: safetensors (safetensors.h), G's tensors named exactly as checkpoints name them
// (`generator.model.N.weight`, `generator.model.N.running_var`, ..., checkpoint.h), so the
// PyTorch line of checkpoint.h loads it into the seed's G unchanged. No discriminator, no
// optimiser, no trainer state: it cannot be trained further, only sampled.
// `__metadata__` (strings):
//   format "ganvas-generator", format_version 1,
//   config       gan_config_to_json of the config in effect at `step`
//   step, seed   decimal
//   recipe       recipe_to_json: replays to `config`, seed `seed` (absent: a generator Ganvas
//                cannot rebuild)
//   weight_hash  hash_hex(generator_weight_hash(G)) (io/link.h): required, checked on load
//   data         hash_hex(dataset_content_hash) of the training images (absent: unknown)
// The shipped one (assets/CMakeLists.txt: ${GANVAS_SHIPPED_GENERATOR}) is
//   ganvas train --preset seed --seed 1 --steps 3120 --out DIR
//   ganvas export-generator --checkpoint DIR/checkpoint.safetensors --out shipped-generator.safetensors
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/status.h"
#include "gan/gan.h"
#include "gan/recipe.h"
#include "nn/model.h"

namespace ganvas {

constexpr int kGeneratorFormatVersion = 1;

// The generator file of `gan` (not mid-iteration), trained on data of content hash `data_hash`
// (dataset_content_hash; 0: unknown, the "data" key is left out).
std::vector<uint8_t> generator_file_serialize(const Gan& gan, uint64_t data_hash);

struct GeneratorModel {
    GanConfig config;           // in effect at `step`
    Recipe recipe;              // valid when has_recipe (else a recipe of config and the seed)
    bool has_recipe = false;    // false for files Ganvas cannot rebuild (no recipe: PyTorch's)
    int64_t step = 0;
    uint64_t data_hash = 0;     // 0: unknown
    uint64_t weight_hash = 0;   // generator_weight_hash(generator), checked against the metadata
    Sequential generator;       // weights and running statistics
};

// Reads a generator file, or the generator part of a whole Ganvas checkpoint (which is then
// validated whole, as checkpoint_load_new does). Strict: the container, the metadata's types,
// every tensor's name, dtype and shape against the config, finite values, non-negative
// variances, and a "weight_hash" in the metadata (required in a generator file, optional in a
// checkpoint) must equal the recomputed hash. *out unchanged on error.
Status generator_model_load(const uint8_t* bytes, size_t size, GeneratorModel* out);

}  // namespace ganvas
