// dataset.cpp - IDX parsing and shuffled batches. See dataset.h.
#include "io/dataset.h"

#include "base/file_io.h"

#include <cassert>
#include <algorithm>
#include <numeric>

#if GANVAS_HAVE_ZLIB
#include <zlib.h>
#endif

namespace ganvas {

// [SECTION] IDX

static uint32_t read_be32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

bool idx_is_gzip(const uint8_t* bytes, size_t size) { return size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b; }

Status idx_gunzip(const uint8_t* bytes, size_t size, std::vector<uint8_t>* out) {
#if GANVAS_HAVE_ZLIB
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return Status::failure("gzip: cannot start zlib");
    std::vector<uint8_t> result;
    z.next_in = const_cast<Bytef*>(bytes);
    z.avail_in = uInt(size);
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (result.size() >= kIdxMaxDecompressed) {
            inflateEnd(&z);
            return Status::failure("gzip: the file decompresses to more than " + std::to_string(kIdxMaxDecompressed) +
                                   " bytes (60,000 28x28 images at most)");
        }
        const size_t have = result.size();
        result.resize(std::min(kIdxMaxDecompressed + 1, have + (size_t(1) << 20)));
        z.next_out = result.data() + have;
        z.avail_out = uInt(result.size() - have);
        rc = inflate(&z, Z_NO_FLUSH);
        result.resize(result.size() - z.avail_out);
        if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // input ended before the stream did
        if (rc == Z_BUF_ERROR) rc = Z_OK;
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END)
        return Status::failure(rc == Z_OK || rc == Z_BUF_ERROR ? "gzip: the file is truncated (the stream ends early)"
                                                               : "gzip: the file is corrupt (zlib error " + std::to_string(rc) + ")");
    if (result.size() > kIdxMaxDecompressed)
        return Status::failure("gzip: the file decompresses to more than " + std::to_string(kIdxMaxDecompressed) + " bytes");
    *out = std::move(result);
    return Status::success();
#else
    (void)bytes;
    (void)size;
    (void)out;
    return Status::failure("gzip: this build reads uncompressed IDX only; decompress the file first");
#endif
}

Status idx_parse_images(const uint8_t* bytes, size_t size, Dataset* out) {
    if (idx_is_gzip(bytes, size)) {
        std::vector<uint8_t> plain;
        const Status s = idx_gunzip(bytes, size, &plain);
        if (!s) return s;
        return idx_parse_images(plain.data(), plain.size(), out);
    }
    if (size < 16) return Status::failure("not an IDX image file: it is shorter than the 16-byte header");
    const uint32_t magic = read_be32(bytes);
    if (magic != 0x00000803)
        return Status::failure("not an IDX image file: magic number " + std::to_string(magic) +
                               " instead of 2051 (uint8, 3 dimensions)");
    const uint32_t count = read_be32(bytes + 4), rows = read_be32(bytes + 8), cols = read_be32(bytes + 12);
    if (rows != 28 || cols != 28)
        return Status::failure("images are " + std::to_string(rows) + "x" + std::to_string(cols) +
                               "; Ganvas needs 28x28 images (MNIST, Fashion-MNIST)");
    if (count == 0) return Status::failure("the IDX image file holds no images");
    const uint64_t payload = uint64_t(count) * rows * cols;
    if (size - 16 != payload)
        return Status::failure("IDX image file is " + std::to_string(size) + " bytes but its header announces " +
                               std::to_string(count) + " images (" + std::to_string(payload + 16) +
                               " bytes): truncated or corrupt");
    out->count = int(count);
    out->rows = int(rows);
    out->cols = int(cols);
    out->pixels.assign(bytes + 16, bytes + size);
    if (out->labels.size() != count) out->labels.clear();
    return Status::success();
}

Status idx_parse_labels(const uint8_t* bytes, size_t size, Dataset* out) {
    if (idx_is_gzip(bytes, size)) {
        std::vector<uint8_t> plain;
        const Status s = idx_gunzip(bytes, size, &plain);
        if (!s) return s;
        return idx_parse_labels(plain.data(), plain.size(), out);
    }
    if (size < 8) return Status::failure("not an IDX label file: it is shorter than the 8-byte header");
    const uint32_t magic = read_be32(bytes);
    if (magic != 0x00000801)
        return Status::failure("not an IDX label file: magic number " + std::to_string(magic) +
                               " instead of 2049 (uint8, 1 dimension)");
    const uint32_t count = read_be32(bytes + 4);
    if (size - 8 != count)
        return Status::failure("IDX label file is " + std::to_string(size) + " bytes but announces " +
                               std::to_string(count) + " labels: truncated or corrupt");
    if (int64_t(count) != out->count)
        return Status::failure(std::to_string(count) + " labels for " + std::to_string(out->count) + " images");
    for (size_t i = 8; i < size; ++i)
        if (bytes[i] > 9)
            return Status::failure("label " + std::to_string(bytes[i]) + " at index " + std::to_string(i - 8) +
                                   ": labels must be classes 0-9");
    out->labels.assign(bytes + 8, bytes + size);
    return Status::success();
}

Status dataset_load_idx(const std::string& images_path, const std::string& labels_path, Dataset* out) {
    std::vector<uint8_t> bytes;
    Dataset loaded;
    Status s = file_read_all(images_path, &bytes);
    if (s) s = idx_parse_images(bytes.data(), bytes.size(), &loaded);
    if (s && !labels_path.empty()) {
        s = file_read_all(labels_path, &bytes);
        if (s) s = idx_parse_labels(bytes.data(), bytes.size(), &loaded);
    }
    if (!s) return Status::failure(s.message);
    *out = std::move(loaded);
    return Status::success();
}

// [SECTION] Batches

void dataset_gather(const Dataset& data, const uint32_t* order, int n, MatrixView out) {
    const int pixels = data.pixels_per_image();
    assert(out.rows() == n && out.cols() == pixels && "dataset_gather: out must be (n, rows*cols)");
    for (int r = 0; r < n; ++r) {
        const uint8_t* src = &data.pixels[size_t(order[r]) * pixels];
        float* dst = out.data() + size_t(r) * pixels;
        for (int c = 0; c < pixels; ++c) dst[c] = float(src[c]) * (2.0f / 255.0f) - 1.0f;
    }
}

BatchSampler::BatchSampler(int dataset_count, int batch_size)
    : order_(size_t(dataset_count)), count_(dataset_count), batch_(batch_size), cursor_(dataset_count) {
    assert(batch_size > 0 && batch_size <= dataset_count && "BatchSampler: batch must fit in the dataset");
}

BatchSampler::BatchSampler(const BatchSamplerState& state, int batch_size)
    : order_(state.order), count_(int(state.order.size())), batch_(state.order.empty() ? 0 : batch_size),
      cursor_(state.cursor), epoch_(state.epoch) {
    assert(size_t(state.cursor) <= state.order.size() && "BatchSampler: cursor past the order");
    assert((state.order.empty() || (batch_size > 0 && batch_size <= count_)) && "BatchSampler: batch must fit in the dataset");
}

void BatchSampler::next(const Dataset& data, Rng& rng, MatrixView out) {
    assert(data.count == count_ && "BatchSampler: used with another dataset");
    if (cursor_ + batch_ > count_) {
        std::iota(order_.begin(), order_.end(), 0u);
        shuffle_indices(order_.data(), order_.size(), rng);
        cursor_ = 0;
        epoch_ += 1;
    }
    dataset_gather(data, order_.data() + cursor_, batch_, out);
    cursor_ += batch_;
}

}  // namespace ganvas
