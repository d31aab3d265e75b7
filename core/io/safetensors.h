// safetensors.h - reading and writing the safetensors container, validated against hostile files.
//
// Layout (https://github.com/huggingface/safetensors): an 8-byte little-endian header length N,
// N bytes of JSON {"__metadata__": {string: string}, "<name>": {"dtype": "F32", "shape": [..],
// "data_offsets": [begin, end]}, ...}, then the data; offsets are relative to the data's start.
//
// safetensors_parse checks everything about the container before anyone reads a value: the
// header length against the file size and a 100 MB cap, the JSON, every entry's keys, dtype and
// shape, that shape x dtype size equals the byte range, and that the byte ranges tile the data
// exactly (no overlap, no gap, nothing out of range, nothing left over). What the tensors MEAN
// (names, expected shapes, finite values) is the caller's business: see checkpoint.h.
// Every supported target (x86-64, wasm32) is little-endian, so values are copied as they lie.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace ganvas {

// The dtypes Ganvas reads and writes (safetensors also defines F16, BF16, I8...: refused).
enum class SafetensorsDtype { F32, F64, I64, U32, U64 };
const char* safetensors_dtype_name(SafetensorsDtype dtype);
size_t safetensors_dtype_size(SafetensorsDtype dtype);
// A shape as people read it in messages: "[256, 128]", "[]" for a scalar.
std::string shape_text(const std::vector<int64_t>& shape);

constexpr uint64_t kSafetensorsMaxHeaderBytes = 100u * 1024u * 1024u;

struct SafetensorsTensor {
    std::string name;
    SafetensorsDtype dtype = SafetensorsDtype::F32;
    std::vector<int64_t> shape;  // [] for a scalar
    size_t begin = 0, end = 0;   // byte range within the data
    size_t count = 0;            // element count: the product of shape
};

// A parsed file: the table plus a view of the caller's bytes (which must outlive it).
struct SafetensorsFile {
    std::vector<std::pair<std::string, std::string>> metadata;  // in file order
    std::vector<SafetensorsTensor> tensors;                     // in header order
    const uint8_t* data = nullptr;
    size_t data_size = 0;

    const SafetensorsTensor* find(const std::string& name) const;
    const std::string* metadata_value(const std::string& key) const;  // nullptr when absent

    // Copies a tensor's values out; T must match the dtype's width and kind (asserted).
    template <typename T>
    void read(const SafetensorsTensor& t, T* out) const {
        assert(sizeof(T) == safetensors_dtype_size(t.dtype) && "SafetensorsFile::read: T differs from the dtype's width");
        std::memcpy(out, data + t.begin, t.end - t.begin);
    }
    template <typename T>
    std::vector<T> values(const SafetensorsTensor& t) const {
        std::vector<T> v(t.count);
        if (t.count) read(t, v.data());
        return v;
    }
};

// Validates the container (see above). On error *out is unchanged and the message names the
// problem, the tensor and the numbers involved.
Status safetensors_parse(const uint8_t* bytes, size_t size, SafetensorsFile* out);

// [SECTION] Writing

struct SafetensorsEntry {
    std::string name;
    SafetensorsDtype dtype = SafetensorsDtype::F32;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;  // little-endian payload, count x dtype size

    template <typename T>
    static SafetensorsEntry of(std::string name, SafetensorsDtype dtype, std::vector<int64_t> shape,
                               const T* values, size_t count) {
        SafetensorsEntry e{std::move(name), dtype, std::move(shape), {}};
        e.bytes.resize(count * sizeof(T));
        if (count) std::memcpy(e.bytes.data(), values, count * sizeof(T));
        return e;
    }
};

// Header (metadata first, then entries in order, data 8-byte aligned as the reference writer
// does), then the payloads back to back.
std::vector<uint8_t> safetensors_serialize(const std::vector<std::pair<std::string, std::string>>& metadata,
                                           const std::vector<SafetensorsEntry>& entries);

}  // namespace ganvas
