// classifier_file.cpp - the classifier's safetensors file, written and strictly read back. See
// classifier.h for the layout.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/hash.h"
#include "eval/classifier.h"
#include "io/safetensors.h"

namespace ganvas {

namespace {

const char* const kFormat = "ganvas-classifier";
const char* const kSplit = "held out: image i with i % 10 == 9 (every tenth of the class-sorted digits)";

std::string format_double(const char* pattern, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, pattern, v);
    return buf;
}

Status fail(const std::string& why) { return Status::failure("not a usable classifier file: " + why); }

const std::string* need(const SafetensorsFile& file, const char* key, Status* s) {
    const std::string* v = file.metadata_value(key);
    if (!v && *s) *s = fail(std::string("its metadata has no \"") + key + "\"");
    return v;
}

// A decimal integer metadata value in [lo, hi].
Status read_int(const SafetensorsFile& file, const char* key, long long lo, long long hi, long long* out) {
    Status s;
    const std::string* text = need(file, key, &s);
    if (!s) return s;
    char* end = nullptr;
    const long long v = std::strtoll(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || v < lo || v > hi)
        return fail(std::string("metadata \"") + key + "\" is '" + *text + "', not an integer in " + std::to_string(lo) +
                    "-" + std::to_string(hi));
    *out = v;
    return Status::success();
}

Status read_real(const SafetensorsFile& file, const char* key, double lo, double hi, double* out) {
    Status s;
    const std::string* text = need(file, key, &s);
    if (!s) return s;
    char* end = nullptr;
    const double v = std::strtod(text->c_str(), &end);
    if (text->empty() || *end != '\0' || !(v >= lo && v <= hi))
        return fail(std::string("metadata \"") + key + "\" is '" + *text + "', not a number in [" +
                    format_double("%g", lo) + ", " + format_double("%g", hi) + "]");
    *out = v;
    return Status::success();
}

// A tensor that must be there with this dtype and shape.
Status find_tensor(const SafetensorsFile& file, const std::string& name, SafetensorsDtype dtype,
                   const std::vector<int64_t>& shape, const SafetensorsTensor** out) {
    const SafetensorsTensor* t = file.find(name);
    if (!t) return fail("tensor '" + name + "' is missing");
    if (t->dtype != dtype)
        return fail("tensor '" + name + "' is " + safetensors_dtype_name(t->dtype) + ", not " + safetensors_dtype_name(dtype));
    if (t->shape != shape)
        return fail("tensor '" + name + "' has shape " + shape_text(t->shape) + ", not " + shape_text(shape) +
                    " (the architecture is " + classifier_architecture() + ")");
    *out = t;
    return Status::success();
}

template <typename T>
Status take_finite(const SafetensorsFile& file, const SafetensorsTensor& t, T* dst) {
    file.read(t, dst);
    for (size_t i = 0; i < t.count; ++i)
        if (!std::isfinite(dst[i]))
            return fail("tensor '" + t.name + "' holds a non-finite value at index " + std::to_string(i) + ": the file is corrupt");
    return Status::success();
}

}  // namespace

std::vector<uint8_t> classifier_serialize(const Classifier& c) {
    const ClassifierTrainConfig& t = c.trained_with;
    const std::vector<std::pair<std::string, std::string>> metadata = {
        {"format", kFormat},
        {"format_version", std::to_string(kClassifierFormatVersion)},
        {"architecture", classifier_architecture()},
        {"split", kSplit},
        {"seed", std::to_string(t.seed)},
        {"epochs", std::to_string(t.epochs)},
        {"batch", std::to_string(t.batch)},
        {"lr", format_double("%.9g", double(t.lr))},
        {"max_shift", std::to_string(t.max_shift)},
        {"held_out_accuracy", format_double("%.4f", c.held_out_accuracy)},
        {"held_out_count", std::to_string(c.held_out_count)},
        {"reference_count", std::to_string(c.reference.count)},
        {"data", hash_hex(c.data_hash)},
        {"weight_hash", hash_hex(classifier_weight_hash(c))},
    };
    std::vector<SafetensorsEntry> entries;
    for (const TensorInfo& info : c.net.tensors)
        entries.push_back(SafetensorsEntry::of(info.name, SafetensorsDtype::F32, info.shape, &c.net.params[info.offset], info.size));
    const int64_t f = kClassifierFeatures;
    entries.push_back(SafetensorsEntry::of("reference.mean", SafetensorsDtype::F64, {f}, c.reference.mean.data(), size_t(f)));
    entries.push_back(SafetensorsEntry::of("reference.cov", SafetensorsDtype::F64, {f, f}, c.reference.cov.data(), size_t(f * f)));
    return safetensors_serialize(metadata, entries);
}

Status classifier_load(const uint8_t* bytes, size_t size, Classifier* out) {
    SafetensorsFile file;
    Status s = safetensors_parse(bytes, size, &file);
    if (!s) return fail(s.message);
    const std::string* format = need(file, "format", &s);
    if (!s) return s;
    if (*format != kFormat)
        return fail("its format is \"" + *format + "\" (a " + (format->find("generator") != std::string::npos ? "generator"
                                                              : format->find("checkpoint") != std::string::npos ? "checkpoint"
                                                                                                            : "foreign file") +
                    "), not \"" + kFormat + "\": `ganvas classifier --out FILE` writes one");
    long long version = 0, seed = 0, epochs = 0, batch = 0, shift = 0, held_out = 0, reference_count = 0;
    s = read_int(file, "format_version", 0, 1LL << 30, &version);
    if (!s) return s;
    if (version != kClassifierFormatVersion)
        return fail("format_version " + std::to_string(version) + " is not " + std::to_string(kClassifierFormatVersion) +
                    ", the one this build reads: retrain it with this build's `ganvas classifier`");
    const std::string* arch = need(file, "architecture", &s);
    if (!s) return s;
    if (*arch != classifier_architecture())
        return fail("its architecture is \"" + *arch + "\", not this build's \"" + classifier_architecture() + "\"");
    Classifier staged;
    double lr = 0;
    if (!(s = read_int(file, "seed", 0, 1LL << 53, &seed)) || !(s = read_int(file, "epochs", 1, 1000, &epochs)) ||
        !(s = read_int(file, "batch", 1, 4096, &batch)) || !(s = read_int(file, "max_shift", 0, 8, &shift)) ||
        !(s = read_int(file, "held_out_count", 1, 1LL << 30, &held_out)) ||
        !(s = read_int(file, "reference_count", 2, 1LL << 30, &reference_count)) ||
        !(s = read_real(file, "lr", 1e-30, 1.0, &lr)) ||
        !(s = read_real(file, "held_out_accuracy", 0.0, 1.0, &staged.held_out_accuracy)))
        return s;
    staged.trained_with = {uint64_t(seed), int(epochs), int(batch), float(lr), int(shift)};
    staged.held_out_count = int(held_out);
    staged.reference.count = int(reference_count);
    const std::string* data = need(file, "data", &s);
    const std::string* weight_hash = need(file, "weight_hash", &s);
    uint64_t expected_hash = 0;
    if (!s) return s;
    if (!hash_from_hex(*data, &staged.data_hash)) return fail("metadata \"data\" is '" + *data + "', not 16 hex digits");
    if (!hash_from_hex(*weight_hash, &expected_hash))
        return fail("metadata \"weight_hash\" is '" + *weight_hash + "', not 16 hex digits");

    size_t expected_tensors = 2;
    for (const TensorInfo& info : staged.net.tensors) {
        const SafetensorsTensor* t = nullptr;
        if (!(s = find_tensor(file, info.name, SafetensorsDtype::F32, info.shape, &t))) return s;
        if (!(s = take_finite(file, *t, &staged.net.params[info.offset]))) return s;
        ++expected_tensors;
    }
    const int64_t f = kClassifierFeatures;
    const SafetensorsTensor *mean = nullptr, *cov = nullptr;
    if (!(s = find_tensor(file, "reference.mean", SafetensorsDtype::F64, {f}, &mean))) return s;
    if (!(s = find_tensor(file, "reference.cov", SafetensorsDtype::F64, {f, f}, &cov))) return s;
    staged.reference.mean.resize(f);
    staged.reference.cov.resize(f, f);
    if (!(s = take_finite(file, *mean, staged.reference.mean.data()))) return s;
    if (!(s = take_finite(file, *cov, staged.reference.cov.data()))) return s;
    for (int64_t i = 0; i < f; ++i) {
        if (staged.reference.cov(i, i) < 0)
            return fail("reference.cov has a negative variance at " + std::to_string(i) + ": the file is corrupt");
        for (int64_t j = 0; j < i; ++j)
            if (staged.reference.cov(i, j) != staged.reference.cov(j, i))
                return fail("reference.cov is not symmetric at (" + std::to_string(i) + ", " + std::to_string(j) +
                            "): the file is corrupt");
    }
    if (file.tensors.size() != expected_tensors) {  // every expected one is there: name a stranger
        for (const SafetensorsTensor& t : file.tensors) {
            bool known = t.name == "reference.mean" || t.name == "reference.cov";
            for (const TensorInfo& info : staged.net.tensors) known = known || t.name == info.name;
            if (!known) return fail("unknown tensor '" + t.name + "': the classifier has no such tensor");
        }
    }
    const uint64_t actual_hash = classifier_weight_hash(staged);
    if (actual_hash != expected_hash)
        return fail("its weights hash to " + hash_hex(actual_hash) + " but its metadata says " + *weight_hash +
                    ": the file is corrupt or was edited");
    *out = std::move(staged);
    return Status::success();
}

}  // namespace ganvas
