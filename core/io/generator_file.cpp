// generator_file.cpp - a generator alone, as safetensors. See generator_file.h.
#include "io/generator_file.h"

#include <cassert>
#include <memory>

#include "base/hash.h"
#include "gan/networks.h"
#include "io/checkpoint.h"
#include "io/link.h"
#include "io/safetensors.h"

namespace ganvas {

std::vector<uint8_t> generator_file_serialize(const Gan& gan, uint64_t data_hash) {
    assert(!gan.mid_iteration() && "generator_file_serialize: finish the half-done iteration first");
    std::vector<SafetensorsEntry> entries;
    checkpoint_add_model_tensors(entries, "generator", gan.sample_generator());  // the EMA when on
    std::vector<std::pair<std::string, std::string>> metadata = {
        {"format", "ganvas-generator"},
        {"format_version", std::to_string(kGeneratorFormatVersion)},
        {"config", gan_config_to_json(gan.config())},
        {"step", std::to_string(gan.step())},
        {"seed", std::to_string(gan.seed())},
        {"recipe", recipe_to_json(gan.recipe())},
        {"weight_hash", hash_hex(generator_weight_hash(gan.sample_generator()))},
    };
    if (data_hash != 0) metadata.emplace_back("data", hash_hex(data_hash));
    return safetensors_serialize(metadata, entries);
}

namespace {

// An optional 16-hex-digit metadata value: absent leaves *out 0 (and *present false).
Status read_hash(const SafetensorsFile& file, const char* key, uint64_t* out, bool* present) {
    const std::string* text = file.metadata_value(key);
    *present = text != nullptr;
    *out = 0;
    if (text && !hash_from_hex(*text, out))
        return Status::failure(std::string("the file's metadata \"") + key + "\" is '" + *text +
                               "', not 16 hex digits: the file is corrupt");
    return Status::success();
}

// Bytes of G's float tensors at a config: checked against the file before G is allocated, so a
// small hostile file cannot make the loader allocate gigabytes.
uint64_t generator_bytes(const GanConfig& config) {
    uint64_t floats = 0;
    for (const TensorInfo& t : sequential_tensors(generator_layers(config)))
        if (t.store != TensorStore::Counter) floats += uint64_t(t.size);
    return floats * 4;
}

// The generator part of a whole checkpoint, validated whole.
Status load_from_checkpoint(const uint8_t* bytes, size_t size, GeneratorModel* staged) {
    std::unique_ptr<Gan> gan;
    const Status s = checkpoint_load_new(bytes, size, &gan, &staged->recipe);
    if (!s) return s;
    staged->config = gan->config();
    staged->step = gan->step();
    staged->generator = gan->sample_generator();  // the weights samples come from: the EMA when on
    return Status::success();
}

// A generator file: metadata, then exactly G's tensors.
Status load_generator_file(const SafetensorsFile& file, GeneratorModel* staged) {
    Status s = checkpoint_read_metadata(file, "ganvas-generator", &staged->recipe, &staged->step);
    if (!s) return s;
    if (!file.metadata_value("weight_hash"))
        return Status::failure("the generator file's metadata has no \"weight_hash\": the file is incomplete");
    staged->config = recipe_config_at(staged->recipe, staged->step);
    if (generator_bytes(staged->config) > file.data_size)
        return Status::failure("the generator file's config needs " + std::to_string(generator_bytes(staged->config)) +
                               " bytes of weights but the file holds only " + std::to_string(file.data_size) +
                               ": the file is incomplete or its config does not belong to it");
    Sequential generator(generator_layers(staged->config));
    s = checkpoint_read_network(file, staged->config, "generator", &generator);
    if (!s) return s;
    staged->generator = std::move(generator);
    return Status::success();
}

}  // namespace

Status generator_model_load(const uint8_t* bytes, size_t size, GeneratorModel* out) {
    SafetensorsFile file;
    Status s = safetensors_parse(bytes, size, &file);
    if (!s) return s;
    const std::string* format = file.metadata_value("format");
    GeneratorModel staged;
    if (format && *format == "ganvas-checkpoint") s = load_from_checkpoint(bytes, size, &staged);
    else if (format && *format == "ganvas-generator") s = load_generator_file(file, &staged);
    else
        return Status::failure(format ? "the file's metadata says format '" + *format +
                                            "': neither a Ganvas generator file nor a Ganvas checkpoint"
                                      : std::string("the file has no __metadata__ \"format\": it is a safetensors file but neither a "
                                                    "Ganvas generator file nor a Ganvas checkpoint"));
    if (!s) return s;
    staged.has_recipe = file.metadata_value("recipe") != nullptr;
    bool present = false;
    s = read_hash(file, "data", &staged.data_hash, &present);
    if (!s) return s;
    uint64_t stated = 0;
    s = read_hash(file, "weight_hash", &stated, &present);
    if (!s) return s;
    staged.weight_hash = generator_weight_hash(staged.generator);
    if (present && stated != staged.weight_hash)
        return Status::failure("the generator's weights hash to " + hash_hex(staged.weight_hash) + " but the file's metadata says " +
                               hash_hex(stated) + ": the weights were changed after the file was written (or it is corrupt)");
    *out = std::move(staged);
    return Status::success();
}

}  // namespace ganvas
