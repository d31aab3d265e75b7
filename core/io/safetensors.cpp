// safetensors.cpp - the container: parse with validation, serialize. See safetensors.h.
#include "io/safetensors.h"

#include <algorithm>
#include <cassert>
#include <sstream>

#include "io/json_lite.h"

namespace ganvas {

const char* safetensors_dtype_name(SafetensorsDtype dtype) {
    switch (dtype) {
        case SafetensorsDtype::F32: return "F32";
        case SafetensorsDtype::F64: return "F64";
        case SafetensorsDtype::I64: return "I64";
        case SafetensorsDtype::U32: return "U32";
        case SafetensorsDtype::U64: return "U64";
    }
    return "?";
}

size_t safetensors_dtype_size(SafetensorsDtype dtype) {
    return (dtype == SafetensorsDtype::F32 || dtype == SafetensorsDtype::U32) ? 4 : 8;
}

const SafetensorsTensor* SafetensorsFile::find(const std::string& name) const {
    for (const SafetensorsTensor& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

const std::string* SafetensorsFile::metadata_value(const std::string& key) const {
    for (const auto& kv : metadata)
        if (kv.first == key) return &kv.second;
    return nullptr;
}

// [SECTION] Parsing

std::string shape_text(const std::vector<int64_t>& shape) {
    std::ostringstream os;
    os << "[";
    for (size_t i = 0; i < shape.size(); ++i) os << (i ? ", " : "") << shape[i];
    os << "]";
    return os.str();
}

namespace {

bool dtype_from_name(const std::string& name, SafetensorsDtype* out) {
    for (SafetensorsDtype d : {SafetensorsDtype::F32, SafetensorsDtype::F64, SafetensorsDtype::I64,
                               SafetensorsDtype::U32, SafetensorsDtype::U64}) {
        if (name == safetensors_dtype_name(d)) {
            *out = d;
            return true;
        }
    }
    return false;
}

Status parse_entry(const std::string& name, const JsonValue& v, size_t data_size, SafetensorsTensor* out) {
    const std::string where = "tensor '" + name + "'";
    if (v.type != JsonType::Object) return Status::failure(where + ": its header entry is " + v.type_name() + ", not an object");
    for (const auto& m : v.members)
        if (m.first != "dtype" && m.first != "shape" && m.first != "data_offsets")
            return Status::failure(where + ": unexpected key '" + m.first + "' (expected dtype, shape, data_offsets)");
    const JsonValue* dtype = v.find("dtype");
    const JsonValue* shape = v.find("shape");
    const JsonValue* offsets = v.find("data_offsets");
    if (!dtype || !shape || !offsets) return Status::failure(where + ": needs dtype, shape and data_offsets");
    SafetensorsTensor t;
    t.name = name;
    if (dtype->type != JsonType::String) return Status::failure(where + ": dtype must be a string");
    if (!dtype_from_name(dtype->text, &t.dtype))
        return Status::failure(where + " has dtype '" + dtype->text + "', which Ganvas does not read (F32, F64, I64, U32, U64)");
    if (shape->type != JsonType::Array || shape->items.size() > 8)
        return Status::failure(where + ": shape must be an array of at most 8 dimensions");
    // Element count with overflow guarded: no tensor can hold more elements than the data has bytes.
    uint64_t count = 1;
    for (const JsonValue& dim : shape->items) {
        int64_t d = 0;
        if (!dim.as_int64(&d) || d < 0) return Status::failure(where + ": shape dimensions must be non-negative integers");
        t.shape.push_back(d);
        if (d != 0 && count > uint64_t(data_size) / uint64_t(d)) count = uint64_t(data_size) + 1;  // clamp: too big anyway
        else count *= uint64_t(d);
    }
    int64_t begin = 0, end = 0;
    if (offsets->type != JsonType::Array || offsets->items.size() != 2 || !offsets->items[0].as_int64(&begin) ||
        !offsets->items[1].as_int64(&end) || begin < 0 || end < begin)
        return Status::failure(where + ": data_offsets must be two integers [begin, end] with 0 <= begin <= end");
    if (uint64_t(end) > data_size)
        return Status::failure(where + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                               "] reach past the end of the data (" + std::to_string(data_size) +
                               " bytes): the file is truncated or its header is wrong");
    const uint64_t bytes = count * safetensors_dtype_size(t.dtype);
    if (count > data_size || bytes != uint64_t(end - begin))
        return Status::failure(where + ": shape " + shape_text(t.shape) + " of " + dtype->text + " needs " +
                               (count > data_size ? std::string("more bytes than the file has") : std::to_string(bytes) + " bytes") +
                               " but data_offsets cover " + std::to_string(end - begin));
    t.begin = size_t(begin);
    t.end = size_t(end);
    t.count = size_t(count);
    *out = std::move(t);
    return Status::success();
}

}  // namespace

Status safetensors_parse(const uint8_t* bytes, size_t size, SafetensorsFile* out) {
    if (size < 8)
        return Status::failure("the file is only " + std::to_string(size) +
                               " bytes; a safetensors file starts with an 8-byte header length (empty or truncated file?)");
    uint64_t header_size = 0;
    for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | bytes[i];
    if (header_size > kSafetensorsMaxHeaderBytes)
        return Status::failure("the header length field says " + std::to_string(header_size) +
                               " bytes, more than the 100 MB limit: this is not a safetensors file, or it is corrupt");
    if (header_size > size - 8)
        return Status::failure("the header length field says " + std::to_string(header_size) + " bytes but only " +
                               std::to_string(size - 8) + " follow: the file is truncated or not a safetensors file");
    if (header_size < 2) return Status::failure("the header is empty: not a safetensors file");

    JsonValue root;
    const Status parsed = json_parse(reinterpret_cast<const char*>(bytes + 8), size_t(header_size), &root);
    if (!parsed) return Status::failure("the header is not valid JSON: " + parsed.message);
    if (root.type != JsonType::Object) return Status::failure("the header is JSON " + std::string(root.type_name()) + ", not an object");

    SafetensorsFile file;
    file.data = bytes + 8 + header_size;
    file.data_size = size_t(size - 8 - header_size);
    for (const auto& member : root.members) {
        if (member.first == "__metadata__") {
            if (member.second.type != JsonType::Object) return Status::failure("__metadata__ must be an object of strings");
            for (const auto& kv : member.second.members) {
                if (kv.second.type != JsonType::String)
                    return Status::failure("__metadata__ value '" + kv.first + "' is " + kv.second.type_name() +
                                           "; safetensors metadata values are strings");
                file.metadata.emplace_back(kv.first, kv.second.text);
            }
            continue;
        }
        SafetensorsTensor t;
        const Status s = parse_entry(member.first, member.second, file.data_size, &t);
        if (!s) return s;
        file.tensors.push_back(std::move(t));
    }

    // The byte ranges must tile [0, data_size): sorted by start, each begins where the last ended.
    std::vector<const SafetensorsTensor*> by_offset;
    for (const SafetensorsTensor& t : file.tensors) by_offset.push_back(&t);
    std::stable_sort(by_offset.begin(), by_offset.end(), [](const SafetensorsTensor* a, const SafetensorsTensor* b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    size_t cursor = 0;
    const SafetensorsTensor* previous = nullptr;
    for (const SafetensorsTensor* t : by_offset) {
        if (t->begin < cursor)
            return Status::failure("tensors '" + previous->name + "' and '" + t->name + "' overlap in the data (bytes " +
                                   std::to_string(t->begin) + ".." + std::to_string(cursor) + "): the header is corrupt");
        if (t->begin > cursor)
            return Status::failure("the data has " + std::to_string(t->begin - cursor) + " unused bytes before tensor '" +
                                   t->name + "' (at " + std::to_string(cursor) + "): the header is corrupt");
        cursor = t->end;
        previous = t;
    }
    if (cursor != file.data_size)
        return Status::failure("the data has " + std::to_string(file.data_size - cursor) +
                               " bytes after the last tensor that no tensor owns: the header is corrupt or the file has trailing garbage");
    *out = std::move(file);
    // Views into the caller's bytes survive the move (the pointer is copied).
    return Status::success();
}

// [SECTION] Writing

std::vector<uint8_t> safetensors_serialize(const std::vector<std::pair<std::string, std::string>>& metadata,
                                           const std::vector<SafetensorsEntry>& entries) {
    std::string header = "{";
    if (!metadata.empty()) {
        header += "\"__metadata__\":{";
        for (size_t i = 0; i < metadata.size(); ++i)
            header += (i ? "," : "") + json_quote(metadata[i].first) + ":" + json_quote(metadata[i].second);
        header += "}";
    }
    size_t offset = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
        const SafetensorsEntry& e = entries[i];
        size_t count = 1;
        for (int64_t d : e.shape) count *= size_t(d);
        assert(e.bytes.size() == count * safetensors_dtype_size(e.dtype) && "safetensors_serialize: payload size differs from shape x dtype");
        header += (i || !metadata.empty() ? "," : "") + json_quote(e.name) + ":{\"dtype\":\"" + safetensors_dtype_name(e.dtype) +
                  "\",\"shape\":[";
        for (size_t k = 0; k < e.shape.size(); ++k) header += (k ? "," : "") + std::to_string(e.shape[k]);
        header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + e.bytes.size()) + "]}";
        offset += e.bytes.size();
    }
    header += "}";
    while (header.size() % 8 != 0) header += ' ';  // align the data to 8 bytes

    std::vector<uint8_t> out(8 + header.size() + offset);
    const uint64_t header_size = header.size();
    for (int i = 0; i < 8; ++i) out[size_t(i)] = uint8_t(header_size >> (8 * i));
    std::memcpy(out.data() + 8, header.data(), header.size());
    size_t at = 8 + header.size();
    for (const SafetensorsEntry& e : entries) {
        if (!e.bytes.empty()) std::memcpy(out.data() + at, e.bytes.data(), e.bytes.size());
        at += e.bytes.size();
    }
    return out;
}

}  // namespace ganvas
