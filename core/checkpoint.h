// checkpoint.h - saving a Gan as a safetensors file PyTorch can read.
//
// Layout (https://github.com/huggingface/safetensors): 8-byte little-endian header length,
// a JSON header mapping tensor names to {dtype, shape, data_offsets}, then raw little-endian
// data. Names are the seed's state_dict names prefixed `generator.` / `discriminator.`
// (e.g. `generator.model.3.running_mean`, Linear weights shaped (out, in),
// `num_batches_tracked` as I64), Adam moments under `optimizer.<net>.<name>.exp_avg|exp_avg_sq`
// and `optimizer.<net>.step`. `__metadata__` carries format, format_version, config (JSON),
// step and seed, all as strings (safetensors requires string metadata).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gan.h"
#include "status.h"

namespace ganvas {

constexpr int kCheckpointFormatVersion = 1;

std::vector<uint8_t> checkpoint_serialize(const Gan& gan);

// FNV-1a 64-bit of bytes, printed as 16 hex digits: the content hash the CLI reports.
std::string content_hash_hex(const uint8_t* bytes, size_t size);

}  // namespace ganvas
