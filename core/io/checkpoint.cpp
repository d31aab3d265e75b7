// checkpoint.cpp - Gan <-> safetensors checkpoint. See checkpoint.h.
#include "io/checkpoint.h"

#include <cassert>

#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>

#include "io/safetensors.h"

namespace ganvas {

namespace {

constexpr SafetensorsDtype F32 = SafetensorsDtype::F32;
constexpr SafetensorsDtype F64 = SafetensorsDtype::F64;
constexpr SafetensorsDtype I64 = SafetensorsDtype::I64;
constexpr SafetensorsDtype U32 = SafetensorsDtype::U32;
constexpr SafetensorsDtype U64 = SafetensorsDtype::U64;

const char* const kNetNames[2] = {"generator", "discriminator"};
const char* const kEmaName = "generator_ema";  // the EMA of G's weights, present while ema_decay > 0

}  // namespace

// [SECTION] Writing

void checkpoint_add_model_tensors(std::vector<SafetensorsEntry>& entries, const std::string& prefix, const Sequential& net) {
    for (const TensorInfo& t : net.tensors) {
        const std::string name = prefix + "." + t.name;
        if (t.store == TensorStore::Params)
            entries.push_back(SafetensorsEntry::of(name, F32, t.shape, &net.params[t.offset], t.size));
        else if (t.store == TensorStore::Buffers)
            entries.push_back(SafetensorsEntry::of(name, F32, t.shape, &net.buffers[t.offset], t.size));
        else
            entries.push_back(SafetensorsEntry::of(name, I64, t.shape, &net.counters[t.offset], 1));
    }
}

namespace {

void add_network(std::vector<SafetensorsEntry>& entries, const std::string& prefix, const Sequential& net,
                 const AdamState& adam) {
    checkpoint_add_model_tensors(entries, prefix, net);
    for (const TensorInfo& t : net.tensors) {
        if (t.store != TensorStore::Params) continue;
        const std::string name = "optimizer." + prefix + "." + t.name;
        entries.push_back(SafetensorsEntry::of(name + ".exp_avg", F32, t.shape, &adam.m[t.offset], t.size));
        entries.push_back(SafetensorsEntry::of(name + ".exp_avg_sq", F32, t.shape, &adam.v[t.offset], t.size));
    }
    entries.push_back(SafetensorsEntry::of("optimizer." + prefix + ".step", I64, {}, &adam.step, 1));
}

void add_rng(std::vector<SafetensorsEntry>& entries, const std::string& name, const RngState& s) {
    const uint64_t words[3] = {s.state, s.increment, s.has_spare ? 1u : 0u};
    entries.push_back(SafetensorsEntry::of(name, U64, {3}, words, 3));
    const double spare = s.has_spare ? s.spare : 0.0;
    entries.push_back(SafetensorsEntry::of(name + "_spare", F64, {}, &spare, 1));
}

}  // namespace

std::vector<uint8_t> checkpoint_serialize(const Gan& gan) {
    assert(!gan.mid_iteration() && "checkpoint_serialize: finish the half-done iteration first");
    const Recipe& recipe = gan.recipe();
    std::vector<SafetensorsEntry> entries;
    add_network(entries, kNetNames[0], gan.generator(), gan.adam_g());
    add_network(entries, kNetNames[1], gan.discriminator(), gan.adam_d());
    const int64_t ema_updates = gan.ema_updates();
    if (const Sequential* ema = gan.generator_ema()) {  // ema_decay > 0 (gan/remedies_noise_ema.h)
        checkpoint_add_model_tensors(entries, kEmaName, *ema);
        entries.push_back(SafetensorsEntry::of("trainer.ema_updates", I64, {}, &ema_updates, 1));
    }
    const TrainerState trainer = gan.trainer_state();
    add_rng(entries, "trainer.noise_rng", trainer.noise);
    add_rng(entries, "trainer.data_rng", trainer.data);
    const std::vector<uint32_t>& order = trainer.sampler.order;
    entries.push_back(SafetensorsEntry::of("trainer.sampler_order", U32, {int64_t(order.size())}, order.data(), order.size()));
    const int64_t position[2] = {trainer.sampler.cursor, trainer.sampler.epoch};
    entries.push_back(SafetensorsEntry::of("trainer.sampler_position", I64, {2}, position, 2));

    const std::vector<std::pair<std::string, std::string>> metadata = {
        {"format", "ganvas-checkpoint"},
        {"format_version", std::to_string(kCheckpointFormatVersion)},
        {"config", gan_config_to_json(gan.config())},
        {"step", std::to_string(gan.step())},
        {"seed", std::to_string(gan.seed())},
        {"recipe", recipe_to_json(recipe)},
    };
    return safetensors_serialize(metadata, entries);
}

// [SECTION] Loading

namespace {

enum class Group { Model, Optimizer, Trainer };
const char* group_name(Group g) { return g == Group::Model ? "model" : g == Group::Optimizer ? "optimizer" : "trainer"; }

// What one tensor name must look like, and how to take its values into the staged Gan.
struct Expected {
    Group group = Group::Model;
    SafetensorsDtype dtype = F32;
    std::vector<int64_t> shape;
    bool any_length = false;  // a 1-D tensor of any length (the sampler's order)
    std::function<Status(const SafetensorsFile&, const SafetensorsTensor&)> take;
    bool seen = false;
};

// Reads F32 values into dst, refusing non-finite ones (and negative ones when non_negative).
Status take_floats(const SafetensorsFile& file, const SafetensorsTensor& t, float* dst, bool non_negative) {
    file.read(t, dst);
    for (size_t i = 0; i < t.count; ++i) {
        if (!std::isfinite(dst[i]))
            return Status::failure("tensor '" + t.name + "' holds a non-finite value (" + std::to_string(dst[i]) +
                                   ") at index " + std::to_string(i) + ": the checkpoint is corrupt or was saved after training diverged");
        if (non_negative && dst[i] < 0.0f)
            return Status::failure("tensor '" + t.name + "' holds a negative value (" + std::to_string(dst[i]) + ") at index " +
                                   std::to_string(i) + ", impossible for a variance: the checkpoint is corrupt");
    }
    return Status::success();
}

Status take_counter(const SafetensorsFile& file, const SafetensorsTensor& t, int64_t* dst) {
    int64_t v = 0;
    file.read(t, &v);
    if (v < 0) return Status::failure("tensor '" + t.name + "' is a counter but holds " + std::to_string(v) + ": the checkpoint is corrupt");
    *dst = v;
    return Status::success();
}

Status take_rng(const SafetensorsFile& file, const SafetensorsTensor& t, RngState* dst) {
    uint64_t words[3];
    file.read(t, words);
    if ((words[1] & 1u) == 0 || words[2] > 1)
        return Status::failure("tensor '" + t.name + "' is not a valid random stream state (the increment must be odd, has_spare 0 or 1)");
    dst->state = words[0];
    dst->increment = words[1];
    dst->has_spare = words[2] == 1;
    return Status::success();
}

Status take_spare(const SafetensorsFile& file, const SafetensorsTensor& t, RngState* dst) {
    double v = 0;
    file.read(t, &v);
    if (!std::isfinite(v)) return Status::failure("tensor '" + t.name + "' holds a non-finite value: the checkpoint is corrupt");
    dst->spare = v;
    return Status::success();
}

// The model tensors of one network (weights, running statistics, counters) as <prefix>.<name>.
void add_expected_model(std::map<std::string, Expected>& table, const std::string& prefix, Sequential& net) {
    for (const TensorInfo& t : net.tensors) {
        Expected e;
        e.shape = t.shape;
        const TensorInfo* info = &t;
        if (t.store != TensorStore::Counter) {
            std::vector<float>& store = t.store == TensorStore::Params ? net.params : net.buffers;
            e.take = [&store, info](const SafetensorsFile& f, const SafetensorsTensor& st) {
                return take_floats(f, st, &store[info->offset], info->non_negative);
            };
        } else {
            e.dtype = I64;
            e.take = [&net, info](const SafetensorsFile& f, const SafetensorsTensor& st) {
                return take_counter(f, st, &net.counters[info->offset]);
            };
        }
        table[prefix + "." + t.name] = std::move(e);
    }
}

// Every name a checkpoint of `gan`'s config may hold, wired to the place its values go.
std::map<std::string, Expected> expected_tensors(Gan& gan, TrainerState* trainer) {
    std::map<std::string, Expected> table;
    for (int n = 0; n < 2; ++n) {
        Sequential& net = n == 0 ? gan.generator() : gan.discriminator();
        AdamState& adam = n == 0 ? gan.adam_g() : gan.adam_d();
        const std::string prefix = kNetNames[n];
        add_expected_model(table, prefix, net);
        for (const TensorInfo& t : net.tensors) {
            if (t.store != TensorStore::Params) continue;
            for (int moment = 0; moment < 2; ++moment) {
                Expected m;
                m.group = Group::Optimizer;
                m.shape = t.shape;
                float* dst = moment == 0 ? &adam.m[t.offset] : &adam.v[t.offset];
                m.take = [dst, moment](const SafetensorsFile& f, const SafetensorsTensor& st) {
                    return take_floats(f, st, dst, moment == 1);
                };
                table["optimizer." + prefix + "." + t.name + (moment == 0 ? ".exp_avg" : ".exp_avg_sq")] = std::move(m);
            }
        }
        Expected step;
        step.group = Group::Optimizer;
        step.dtype = I64;
        step.take = [&adam](const SafetensorsFile& f, const SafetensorsTensor& st) { return take_counter(f, st, &adam.step); };
        table["optimizer." + prefix + ".step"] = std::move(step);
    }
    if (Sequential* ema = gan.generator_ema()) {  // required with the config's ema_decay > 0
        add_expected_model(table, kEmaName, *ema);
        Expected updates;
        updates.group = Group::Trainer;
        updates.dtype = I64;
        int64_t* dst = &gan.ema_updates();
        updates.take = [dst](const SafetensorsFile& f, const SafetensorsTensor& st) { return take_counter(f, st, dst); };
        table["trainer.ema_updates"] = std::move(updates);
    }
    for (int r = 0; r < 2; ++r) {
        RngState* state = r == 0 ? &trainer->noise : &trainer->data;
        const std::string name = r == 0 ? "trainer.noise_rng" : "trainer.data_rng";
        Expected words;
        words.group = Group::Trainer;
        words.dtype = U64;
        words.shape = {3};
        words.take = [state](const SafetensorsFile& f, const SafetensorsTensor& st) { return take_rng(f, st, state); };
        table[name] = std::move(words);
        Expected spare;
        spare.group = Group::Trainer;
        spare.dtype = F64;
        spare.take = [state](const SafetensorsFile& f, const SafetensorsTensor& st) { return take_spare(f, st, state); };
        table[name + "_spare"] = std::move(spare);
    }
    Expected order;
    order.group = Group::Trainer;
    order.dtype = U32;
    order.shape = {0};
    order.any_length = true;
    order.take = [trainer](const SafetensorsFile& f, const SafetensorsTensor& st) {
        trainer->sampler.order = f.values<uint32_t>(st);
        return Status::success();
    };
    table["trainer.sampler_order"] = std::move(order);
    Expected position;
    position.group = Group::Trainer;
    position.dtype = I64;
    position.shape = {2};
    position.take = [trainer](const SafetensorsFile& f, const SafetensorsTensor& st) {
        int64_t v[2];
        f.read(st, v);
        if (v[0] < 0 || v[0] > int64_t(1) << 31 || v[1] < -1)
            return Status::failure("tensor 'trainer.sampler_position' holds an impossible cursor or epoch: the checkpoint is corrupt");
        trainer->sampler.cursor = int(v[0]);
        trainer->sampler.epoch = v[1];
        return Status::success();
    };
    table["trainer.sampler_position"] = std::move(position);
    return table;
}

Status check_sampler(const BatchSamplerState& s, int batch_size) {
    const size_t n = s.order.size();
    if (n == 0) {
        if (s.cursor != 0 || s.epoch != -1)
            return Status::failure("the trainer state has a sampler position but no sampler order: the checkpoint is corrupt");
        return Status::success();
    }
    if (n < size_t(batch_size) || n > (size_t(1) << 31))
        return Status::failure("trainer.sampler_order has " + std::to_string(n) + " entries, fewer than one batch of " +
                               std::to_string(batch_size) + ": the checkpoint is corrupt");
    if (size_t(s.cursor) > n || s.epoch < 0)
        return Status::failure("trainer.sampler_position is outside trainer.sampler_order: the checkpoint is corrupt");
    std::vector<bool> hit(n, false);
    for (uint32_t i : s.order) {
        if (i >= n || hit[i]) return Status::failure("trainer.sampler_order is not a permutation of 0.." + std::to_string(n - 1) + ": the checkpoint is corrupt");
        hit[i] = true;
    }
    return Status::success();
}

// A decimal integer string, digits only, within [0, max].
bool parse_decimal(const std::string& text, uint64_t max, uint64_t* out) {
    if (text.empty() || text.size() > 20) return false;
    uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        const uint64_t digit = uint64_t(c - '0');
        if (v > (max - digit) / 10) return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

Status read_metadata(const SafetensorsFile& file, const std::string& expected_format, Recipe* recipe, int64_t* step) {
    const std::string* format = file.metadata_value("format");
    if (!format)
        return Status::failure("the file has no __metadata__ \"format\": it is a safetensors file but not a Ganvas checkpoint "
                               "(Ganvas needs format, format_version, config, step and seed in __metadata__)");
    if (*format != expected_format)
        return Status::failure("the file's metadata says format '" + *format + "', not '" + expected_format + "': not a Ganvas " +
                               (expected_format == "ganvas-checkpoint" ? "checkpoint" : "file of this kind"));
    const std::string* version = file.metadata_value("format_version");
    uint64_t v = 0;
    if (!version || !parse_decimal(*version, 1000000, &v) || v < 1)
        return Status::failure("the checkpoint's format_version is missing or not a positive integer: the file is corrupt");
    if (v > uint64_t(kCheckpointFormatVersion))
        return Status::failure("the checkpoint has format version " + *version + ", newer than this Ganvas reads (" +
                               std::to_string(kCheckpointFormatVersion) + "): update Ganvas to load it");
    const std::string* config_json = file.metadata_value("config");
    if (!config_json) return Status::failure("the checkpoint's metadata has no \"config\": Ganvas cannot tell which networks to build");
    GanConfig config;
    const Status parsed = gan_config_from_json(*config_json, &config);
    if (!parsed) return Status::failure("the checkpoint's " + parsed.message);
    const std::string* step_text = file.metadata_value("step");
    uint64_t step_value = 0;
    if (!step_text || !parse_decimal(*step_text, uint64_t(INT64_MAX), &step_value))
        return Status::failure("the checkpoint's metadata \"step\" is missing or not a non-negative integer");
    const std::string* seed_text = file.metadata_value("seed");
    uint64_t seed = 0;
    if (!seed_text || !parse_decimal(*seed_text, UINT64_MAX, &seed))
        return Status::failure("the checkpoint's metadata \"seed\" is missing or not a non-negative integer");
    *step = int64_t(step_value);
    // Files written before recipes (and by PyTorch) have only config and seed: a recipe of
    // those with no changes. A recipe must agree with them.
    const std::string* recipe_json = file.metadata_value("recipe");
    if (!recipe_json) {
        *recipe = recipe_of(config, seed);
        return Status::success();
    }
    Recipe r;
    const Status read = recipe_from_json(*recipe_json, &r);
    if (!read) return Status::failure("the checkpoint's " + read.message);
    if (r.seed != seed)
        return Status::failure("the checkpoint's recipe has seed " + std::to_string(r.seed) + " but its metadata says " + *seed_text +
                               ": the file is corrupt");
    if (gan_config_to_json(recipe_config_at(r, *step)) != gan_config_to_json(config))
        return Status::failure("the checkpoint's recipe, replayed to step " + *step_text +
                               ", does not give the config in its metadata: the file is corrupt");
    *recipe = std::move(r);
    return Status::success();
}

// Takes every tensor of the file into the table's places: each name must be in the table, with
// its dtype and shape; model tensors are all required, the other groups come whole or not at all.
Status take_tensors(const SafetensorsFile& file, const GanConfig& config, std::map<std::string, Expected>& table) {
    for (const SafetensorsTensor& t : file.tensors) {
        auto it = table.find(t.name);
        if (it == table.end())
            return Status::failure("unknown tensor '" + t.name + "': a checkpoint of this config (" + gan_config_to_json(config) +
                                   ") has no such tensor - is it from another model?");
        Expected& e = it->second;
        if (t.dtype != e.dtype)
            return Status::failure("tensor '" + t.name + "' is " + safetensors_dtype_name(t.dtype) + " but Ganvas stores it as " +
                                   safetensors_dtype_name(e.dtype));
        const bool shape_ok = e.any_length ? t.shape.size() == 1 : t.shape == e.shape;
        if (!shape_ok)
            return Status::failure("tensor '" + t.name + "' has shape " + shape_text(t.shape) + " but the checkpoint's config needs " +
                                   (e.any_length ? std::string("a 1-D tensor") : shape_text(e.shape)) +
                                   (t.name.find("weight") != std::string::npos ? " (Linear weights are (out, in))" : ""));
        const Status s = e.take(file, t);
        if (!s) return s;
        e.seen = true;
    }
    // Model tensors are required; the optimizer and trainer groups come whole or not at all.
    for (Group g : {Group::Model, Group::Optimizer, Group::Trainer}) {
        size_t seen = 0, total = 0;
        const std::string* first_missing = nullptr;
        for (const auto& kv : table) {
            if (kv.second.group != g) continue;
            ++total;
            if (kv.second.seen) ++seen;
            else if (!first_missing) first_missing = &kv.first;
        }
        if (seen == total || (seen == 0 && g != Group::Model)) continue;
        return Status::failure("tensor '" + *first_missing + "' is missing (" + std::to_string(total - seen) + " of the " +
                               std::to_string(total) + " " + group_name(g) + " tensors are absent)" +
                               (g == Group::Model ? std::string(": the checkpoint is incomplete or for another model")
                                                  : std::string(": a checkpoint has all of the ") + group_name(g) + " state or none"));
    }
    return Status::success();
}

// Bytes of the model tensors (weights and running statistics) a config needs, from the layer
// records' tensor tables alone: checked against the file before a Gan of that config is
// allocated, so a small hostile file cannot make the loader allocate gigabytes.
uint64_t model_bytes(const GanConfig& config) {
    uint64_t floats = 0;
    for (const auto& specs : {generator_layers(config), discriminator_layers(config)})
        for (const TensorInfo& t : sequential_tensors(specs))
            if (t.store != TensorStore::Counter) floats += uint64_t(t.size);
    return floats * 4;
}

}  // namespace

Status checkpoint_load_new(const uint8_t* bytes, size_t size, std::unique_ptr<Gan>* out, Recipe* recipe_out,
                           bool* has_recipe_out) {
    SafetensorsFile file;
    Status s = safetensors_parse(bytes, size, &file);
    if (!s) return s;
    Recipe recipe;
    int64_t step = 0;
    s = read_metadata(file, "ganvas-checkpoint", &recipe, &step);
    if (!s) return s;
    const GanConfig config = recipe_config_at(recipe, step);

    if (model_bytes(config) > file.data_size)
        return Status::failure("the checkpoint's config needs " + std::to_string(model_bytes(config)) +
                               " bytes of weights but the file holds only " + std::to_string(file.data_size) +
                               ": the file is incomplete or its config does not belong to it");
    auto staged = std::make_unique<Gan>(recipe);  // fresh: what absent groups keep
    staged->set_step(step);  // the config at `step` (with ema_decay > 0, its EMA copy to load into)
    TrainerState trainer = staged->trainer_state();
    std::map<std::string, Expected> table = expected_tensors(*staged, &trainer);
    s = take_tensors(file, config, table);
    if (!s) return s;
    s = check_sampler(trainer.sampler, config.batch_size);
    if (!s) return s;
    staged->set_trainer_state(trainer);
    *out = std::move(staged);
    if (recipe_out) *recipe_out = std::move(recipe);
    if (has_recipe_out) *has_recipe_out = file.metadata_value("recipe") != nullptr;  // else recipe_of(config, seed)
    return Status::success();
}

Status checkpoint_read_metadata(const SafetensorsFile& file, const std::string& format, Recipe* recipe, int64_t* step) {
    return read_metadata(file, format, recipe, step);
}

Status checkpoint_read_network(const SafetensorsFile& file, const GanConfig& config, const std::string& prefix, Sequential* net) {
    std::map<std::string, Expected> table;
    add_expected_model(table, prefix, *net);
    return take_tensors(file, config, table);
}

Status checkpoint_load(const uint8_t* bytes, size_t size, Gan* gan, Recipe* recipe, bool* has_recipe) {
    std::unique_ptr<Gan> loaded;
    const Status s = checkpoint_load_new(bytes, size, &loaded, recipe, has_recipe);
    if (s) *gan = std::move(*loaded);
    return s;
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
