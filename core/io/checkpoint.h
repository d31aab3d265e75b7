// checkpoint.h - a Gan saved as a safetensors file that PyTorch can read, and loaded back.
//
// Container: safetensors (see safetensors.h). Tensor names are the seed's PyTorch state_dict
// names prefixed `generator.` / `discriminator.` (e.g. `generator.model.3.running_mean`; Linear
// weights shaped (out, in); `num_batches_tracked` as an I64 scalar), so
//     G.load_state_dict({k[len("generator."):]: v for k, v in tensors if k.startswith("generator.")})
// loads the generator into the seed's module unchanged. The rest, in three groups:
//   model      generator.* and discriminator.*                          required
//   optimizer  optimizer.<net>.<name>.exp_avg|exp_avg_sq (F32, the parameter's shape)
//              and optimizer.<net>.step (I64 scalar)                    all or none
//   trainer    trainer.noise_rng, trainer.data_rng (U64 [state, increment, has_spare]),
//              trainer.noise_rng_spare, trainer.data_rng_spare (F64 scalars),
//              trainer.sampler_order (U32 [n]), trainer.sampler_position (I64 [cursor, epoch])
//                                                                       all or none
// A file without the optimizer group loads with fresh Adam state; without the trainer group,
// with the random streams a new Gan of that seed starts from (a checkpoint written from PyTorch
// has neither). With both, training continues exactly as if it had never stopped.
// `__metadata__` (strings, as safetensors requires): format "ganvas-checkpoint",
// format_version, config (gan_config_to_json: the config in effect at `step`, which PyTorch
// scripts read), step, seed and recipe (recipe_to_json: config at step 0, seed and the
// changes since; it must replay to `config` and match `seed`). Files without a recipe (written
// before recipes, or by PyTorch) load as a recipe of their config and seed with no changes.
// Other keys are ignored.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gan/gan.h"
#include "gan/recipe.h"
#include "base/status.h"
#include "io/safetensors.h"

namespace ganvas {

constexpr int kCheckpointFormatVersion = 1;

// The Gan must not be mid-iteration (Gan::mid_iteration(): finish it with train_half_step).
// The metadata holds gan.recipe().
std::vector<uint8_t> checkpoint_serialize(const Gan& gan);

// Builds a Gan from checkpoint bytes: config and seed from the metadata, then every tensor;
// the run's recipe into *recipe when it is not null, and into *has_recipe whether the file
// carried a Ganvas recipe (false: a foreign file, e.g. PyTorch's, which a link cannot rebuild).
// Everything is validated before *out is touched - the container (safetensors_parse), the
// metadata, each tensor's name, dtype and shape against what the config needs, missing tensors,
// incomplete groups, non-finite values and impossible ones (negative variances, counters, a
// sampler order that is not a permutation) - and an error says which tensor and what to do.
Status checkpoint_load_new(const uint8_t* bytes, size_t size, std::unique_ptr<Gan>* out, Recipe* recipe = nullptr,
                           bool* has_recipe = nullptr);
// The same, replacing *gan (config, seed, weights, optimiser, streams, step) on success and
// leaving it untouched on any error.
Status checkpoint_load(const uint8_t* bytes, size_t size, Gan* gan, Recipe* recipe = nullptr, bool* has_recipe = nullptr);

// [SECTION] Shared with io/generator_file.cpp (a generator alone, in the same tensor names)

// Appends a network's model tensors (weights, running statistics, counters) as <prefix>.<name>.
void checkpoint_add_model_tensors(std::vector<SafetensorsEntry>& entries, const std::string& prefix, const Sequential& net);
// Reads and checks the metadata every Ganvas file has (format == `format`, format_version,
// config, step, seed, recipe: as checkpoint_load_new does); a file without a recipe gives a
// recipe of its config and seed.
Status checkpoint_read_metadata(const SafetensorsFile& file, const std::string& format, Recipe* recipe, int64_t* step);
// Takes <prefix>.* model tensors of `file` into *net (built for `config`), validated as
// checkpoint_load_new validates them; every tensor of the file must be one of them and every
// one must be there. *net may be partly written on error: pass a staged network.
Status checkpoint_read_network(const SafetensorsFile& file, const GanConfig& config, const std::string& prefix, Sequential* net);

// FNV-1a 64-bit of bytes, printed as 16 hex digits: the content hash the CLI reports.
std::string content_hash_hex(const uint8_t* bytes, size_t size);

}  // namespace ganvas
