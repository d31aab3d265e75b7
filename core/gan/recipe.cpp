// recipe.cpp - recipes: a config, a seed and a timeline of changes. See recipe.h.
#include "gan/recipe.h"

#include <cassert>

#include "base/hash.h"
#include "gan/settings.h"
#include "gan/settings_json.h"

namespace ganvas {

Recipe recipe_of(const GanConfig& config, uint64_t seed) {
    Recipe r;
    r.config = config;
    r.seed = seed;
    return r;
}

namespace {

Status check_step(const Recipe& recipe, int64_t step) {
    if (step < 0) return Status::failure("a change at step " + std::to_string(step) + ": steps are never negative");
    if (!recipe.timeline.empty() && step < recipe.timeline.back().step)
        return Status::failure("a change at step " + std::to_string(step) + " after one at step " +
                               std::to_string(recipe.timeline.back().step) + ": the timeline's steps never go back");
    return Status::success();
}

}  // namespace

Status recipe_add_update(Recipe* recipe, int64_t step, char kind) {
    if (kind != 'd' && kind != 'g')
        return Status::failure(std::string("an update is \"d\" (one D step) or \"g\" (one G step), not '") + kind + "'");
    if (Status s = check_step(*recipe, step); !s) return s;
    recipe->timeline.push_back({step, kUpdateKey, kind == 'd' ? "\"d\"" : "\"g\""});
    return Status::success();
}

Status recipe_add_change(Recipe* recipe, int64_t step, const std::string& key, const std::string& text) {
    if (key == kUpdateKey) {
        if (text == "d" || text == "\"d\"") return recipe_add_update(recipe, step, 'd');
        if (text == "g" || text == "\"g\"") return recipe_add_update(recipe, step, 'g');
        return Status::failure("an update is \"d\" (one D step) or \"g\" (one G step), not " + text);
    }
    const Setting* s = settings_find(key);
    if (s && s->scope == SettingScope::Reset)
        return Status::failure("'" + key + "' is reset-only: it cannot change during a run (start a new run with it instead)");
    if (Status st = check_step(*recipe, step); !st) return st;
    GanConfig c = recipe_config_at(*recipe, step);
    if (Status set = settings_set_text(&c, key, text); !set) return set;  // also: unknown keys
    recipe->timeline.push_back({step, key, settings_get_text(c, *s)});
    return Status::success();
}

GanConfig recipe_config_at(const Recipe& recipe, int64_t step) {
    GanConfig c = recipe.config;
    for (const RecipeChange& change : recipe.timeline) {
        if (change.step > step) break;
        if (change.is_update()) continue;
        const Status s = settings_set_text(&c, change.key, change.value);
        assert(s.ok && "recipe_config_at: a timeline entry not made by recipe_add_change or recipe_from_json");
        (void)s;
    }
    return c;
}

std::string recipe_to_json(const Recipe& recipe) {
    SettingJson root = SettingJson::object();
    root["config"] = gan_config_json_value(recipe.config);
    root["seed"] = recipe.seed;
    SettingJson timeline = SettingJson::array();
    for (const RecipeChange& change : recipe.timeline) {
        SettingJson value;
        const Status parsed = settings_json_parse(change.value, "value", &value);
        assert(parsed.ok && "recipe_to_json: a timeline value not in the table's encoding");
        (void)parsed;
        SettingJson entry = SettingJson::object();
        entry["step"] = change.step;
        entry["key"] = change.key;
        entry["value"] = std::move(value);
        timeline.push_back(std::move(entry));
    }
    root["timeline"] = std::move(timeline);
    if (recipe.data_hash != 0) root["data"] = hash_hex(recipe.data_hash);
    return settings_json_text(root);
}

namespace {

Status recipe_error(const std::string& message) { return Status::failure("recipe: " + message); }

Status read_change(const SettingJson& entry, Recipe* r) {
    if (!entry.is_object()) return Status::failure("must be an object {step, key, value}, not " + std::string(settings_json_type_name(entry)));
    for (const char* required : {"step", "key", "value"})
        if (!entry.contains(required)) return Status::failure("has no \"" + std::string(required) + "\"");
    if (entry.size() != 3) return Status::failure("has keys other than step, key and value");
    const SettingJson& step = entry["step"];
    if (!step.is_number_unsigned() || step.get<uint64_t>() > uint64_t(INT64_MAX))
        return Status::failure("\"step\" must be a non-negative integer, not " + settings_json_text(step));
    if (!entry["key"].is_string()) return Status::failure("\"key\" must be a string, not " + settings_json_text(entry["key"]));
    return recipe_add_change(r, int64_t(step.get<uint64_t>()), entry["key"].get<std::string>(), settings_json_text(entry["value"]));
}

}  // namespace

Status recipe_from_json(const std::string& json, Recipe* out) {
    SettingJson root;
    if (Status s = settings_json_parse(json, "recipe", &root); !s) return s;
    if (!root.is_object()) return recipe_error("must be a JSON object {config, seed, timeline}");
    for (auto it = root.begin(); it != root.end(); ++it)
        if (it.key() != "config" && it.key() != "seed" && it.key() != "timeline" && it.key() != "data")
            return recipe_error("unknown key '" + it.key() + "' (known: config, seed, timeline, data)");
    if (!root.contains("config") || !root.contains("seed")) return recipe_error("needs \"config\" and \"seed\"");
    Recipe r;
    if (Status s = gan_config_apply_json_value(root["config"], &r.config); !s) return recipe_error(s.message);
    if (!root["seed"].is_number_unsigned()) return recipe_error("\"seed\" must be a non-negative integer, not " + settings_json_text(root["seed"]));
    r.seed = root["seed"].get<uint64_t>();
    if (root.contains("timeline")) {
        const SettingJson& timeline = root["timeline"];
        if (!timeline.is_array()) return recipe_error("\"timeline\" must be an array of {step, key, value}");
        for (size_t i = 0; i < timeline.size(); ++i)
            if (Status s = read_change(timeline[i], &r); !s)
                return recipe_error("timeline[" + std::to_string(i) + "]: " + s.message);
    }
    if (root.contains("data")) {
        const SettingJson& data = root["data"];
        if (!data.is_string() || !hash_from_hex(data.get<std::string>(), &r.data_hash) || r.data_hash == 0)
            return recipe_error("\"data\" must be the images' content hash, 16 hex digits (not all zero), not " +
                                settings_json_text(data));
    }
    *out = std::move(r);
    return Status::success();
}

}  // namespace ganvas
