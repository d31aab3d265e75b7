// content_hash.cpp - the two content hashes of io/link.h: a generator's weights and a dataset's
// images. XXH3-64 (base/hash.h), so a hash written by one build is checked by any other.
#include <cstring>

#include "base/hash.h"
#include "io/link.h"

namespace ganvas {

namespace {

void add_u32_le(Hasher& h, uint32_t v) {
    const uint8_t bytes[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
    h.add(bytes, 4);
}

}  // namespace

// Every tensor of the table in its order (the order checkpoints store them): float32 values of
// weights, biases, BatchNorm's affine parameters and running statistics, and the int64
// num_batches_tracked counters, each as it lies in memory (little-endian on every target).
uint64_t generator_weight_hash(const Sequential& generator) {
    Hasher h;
    for (const TensorInfo& t : generator.tensors) {
        if (t.store == TensorStore::Params) h.add(&generator.params[t.offset], t.size * sizeof(float));
        else if (t.store == TensorStore::Buffers) h.add(&generator.buffers[t.offset], t.size * sizeof(float));
        else h.add(&generator.counters[t.offset], sizeof(int64_t));
    }
    return h.digest();
}

uint64_t dataset_content_hash(const Dataset& data) {
    Hasher h;
    add_u32_le(h, uint32_t(data.count));
    add_u32_le(h, uint32_t(data.rows));
    add_u32_le(h, uint32_t(data.cols));
    if (!data.pixels.empty()) h.add(data.pixels.data(), data.pixels.size());
    return h.digest();
}

}  // namespace ganvas
