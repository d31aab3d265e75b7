// checkpoint.cpp - safetensors writer. See checkpoint.h.
#include "checkpoint.h"

#include <cstdio>
#include <cstring>
#include <sstream>

namespace ganvas {

namespace {

struct Entry {
    std::string name;
    const char* dtype;  // "F32" or "I64"
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;  // little-endian payload
};

template <typename T>
void append_le(std::vector<uint8_t>& out, const T* values, size_t count) {
    // Every supported target (x86-64, wasm32) is little-endian; memcpy is the LE encoding.
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "append_le: 32- or 64-bit values");
    const size_t at = out.size();
    out.resize(at + count * sizeof(T));
    std::memcpy(out.data() + at, values, count * sizeof(T));
}

std::string json_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

void add_network(std::vector<Entry>& entries, const std::string& prefix, const Sequential& net,
                 const AdamState& adam) {
    for (const TensorInfo& t : net.tensors) {
        Entry e{prefix + "." + t.name, "F32", t.shape, {}};
        if (t.store == TensorStore::Params) {
            append_le(e.bytes, &net.params[t.offset], t.size);
        } else if (t.store == TensorStore::Buffers) {
            append_le(e.bytes, &net.buffers[t.offset], t.size);
        } else {
            e.dtype = "I64";
            append_le(e.bytes, &net.layers[t.offset].num_batches_tracked, 1);
        }
        entries.push_back(std::move(e));
    }
    for (const TensorInfo& t : net.tensors) {
        if (t.store != TensorStore::Params) continue;
        Entry m{"optimizer." + prefix + "." + t.name + ".exp_avg", "F32", t.shape, {}};
        append_le(m.bytes, &adam.m[t.offset], t.size);
        Entry v{"optimizer." + prefix + "." + t.name + ".exp_avg_sq", "F32", t.shape, {}};
        append_le(v.bytes, &adam.v[t.offset], t.size);
        entries.push_back(std::move(m));
        entries.push_back(std::move(v));
    }
    Entry step{"optimizer." + prefix + ".step", "I64", {}, {}};
    append_le(step.bytes, &adam.step, 1);
    entries.push_back(std::move(step));
}

}  // namespace

std::vector<uint8_t> checkpoint_serialize(const Gan& gan) {
    std::vector<Entry> entries;
    add_network(entries, "generator", gan.generator(), gan.adam_g());
    add_network(entries, "discriminator", gan.discriminator(), gan.adam_d());

    std::ostringstream header;
    header << "{\"__metadata__\":{\"format\":\"ganvas-checkpoint\",\"format_version\":\"" << kCheckpointFormatVersion
           << "\",\"config\":\"" << json_escape(gan_config_to_json(gan.config())) << "\",\"step\":\"" << gan.step()
           << "\",\"seed\":\"" << gan.seed() << "\"}";
    size_t offset = 0;
    for (const Entry& e : entries) {
        header << ",\"" << e.name << "\":{\"dtype\":\"" << e.dtype << "\",\"shape\":[";
        for (size_t i = 0; i < e.shape.size(); ++i) header << (i ? "," : "") << e.shape[i];
        header << "],\"data_offsets\":[" << offset << "," << offset + e.bytes.size() << "]}";
        offset += e.bytes.size();
    }
    header << "}";
    std::string text = header.str();
    while (text.size() % 8 != 0) text += ' ';  // align the data to 8 bytes, as safetensors does

    std::vector<uint8_t> out;
    const uint64_t header_size = text.size();
    append_le(out, &header_size, 1);
    out.insert(out.end(), text.begin(), text.end());
    for (const Entry& e : entries) out.insert(out.end(), e.bytes.begin(), e.bytes.end());
    return out;
}

std::string content_hash_hex(const uint8_t* bytes, size_t size) {
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < size; ++i) {
        h ^= bytes[i];
        h *= 1099511628211ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace ganvas
