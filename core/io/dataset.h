// dataset.h - 28x28 grey images with labels, read from IDX files, served in shuffled batches.
//
// IDX is the format MNIST and Fashion-MNIST ship in: a big-endian header (magic
// 0x00000803 for uint8 images N x rows x cols, 0x00000801 for uint8 labels N) followed
// by raw bytes. The parser takes bytes, so files, browser uploads and fetches share it.
// Pixels stay uint8 in memory (1 byte per pixel) and become floats in [-1, 1] - the seed's
// ToTensor + Normalize(0.5, 0.5), i.e. p/255*2-1 - only when a batch is assembled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/rng.h"
#include "base/status.h"
#include "nn/tensor.h"

namespace ganvas {

struct Dataset {
    int count = 0, rows = 0, cols = 0;
    std::vector<uint8_t> pixels;  // count * rows * cols, row-major per image
    std::vector<uint8_t> labels;  // count, or empty when no labels were given

    int pixels_per_image() const { return rows * cols; }
    bool empty() const { return count == 0; }
};

// Gzip (magic 1f 8b) is detected and decompressed first, natively through zlib; builds without
// zlib (wasm) refuse it with a message, and the page decompresses in JS before calling the core.
// Decompressed sizes above kIdxMaxDecompressed and truncated streams are refused.
constexpr size_t kIdxMaxDecompressed = size_t(60000) * 28 * 28 * 2;
bool idx_is_gzip(const uint8_t* bytes, size_t size);
Status idx_gunzip(const uint8_t* bytes, size_t size, std::vector<uint8_t>* out);

// Parses IDX image bytes into images (labels untouched). On error *out is unchanged.
Status idx_parse_images(const uint8_t* bytes, size_t size, Dataset* out);
// Parses IDX label bytes; the count must match out->count and each label be 0-9. On error *out is unchanged.
Status idx_parse_labels(const uint8_t* bytes, size_t size, Dataset* out);
// Loads images and (optionally, when labels_path is empty) labels from IDX files.
Status dataset_load_idx(const std::string& images_path, const std::string& labels_path, Dataset* out);

// Converts images [first, first+n) of `order` to floats in [-1, 1]: out is (n, rows*cols).
void dataset_gather(const Dataset& data, const uint32_t* order, int n, MatrixView out);

// Where a sampler is: the current epoch's order and position (checkpoints store it).
struct BatchSamplerState {
    std::vector<uint32_t> order;  // a permutation of [0, count); empty before the first batch
    int cursor = 0;               // next index into order
    int64_t epoch = -1;           // -1 before the first batch
};

// Yields batches of a fixed size in a fresh random order each epoch. The final partial
// batch of an epoch is dropped (PyTorch's drop_last=True), so every step has the same
// shape: 10,000 digits at batch 64 give 156 steps per epoch.
class BatchSampler {
public:
    BatchSampler() = default;
    BatchSampler(int dataset_count, int batch_size);
    // Resumes where state left off (an empty order gives a sampler that starts afresh on the
    // first dataset it sees). The state must be valid: order a permutation, cursor <= its size.
    BatchSampler(const BatchSamplerState& state, int batch_size);
    BatchSamplerState state() const { return {order_, cursor_, epoch_}; }
    // Fills out (batch, pixels) with the next batch; reshuffles at each epoch start.
    void next(const Dataset& data, Rng& rng, MatrixView out);
    int64_t epoch() const { return epoch_; }
    int batches_per_epoch() const { return batch_ > 0 ? count_ / batch_ : 0; }
    int dataset_count() const { return count_; }
    int batch_size() const { return batch_; }

private:
    std::vector<uint32_t> order_;
    int count_ = 0, batch_ = 0, cursor_ = 0;
    int64_t epoch_ = -1;  // becomes 0 at the first batch
};

}  // namespace ganvas
