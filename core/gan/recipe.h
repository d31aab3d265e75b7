// recipe.h - how a run was made: a config, a seed, and the settings changed along the way.
//
// A Recipe replays a run: Gan(recipe.config, recipe.seed), then before training step S+1 (once
// S steps are done) every change of the timeline at step S is applied, in order. Values are
// in the settings table's encoding (settings_get_text: 0.0001, "bce", [128,256]), so a
// slider-set learning rate replays bit for bit. Only Live settings (settings.h) can change
// during a run; the timeline's steps never go back.
//
// JSON (stored in checkpoints as the `recipe` metadata key, io/checkpoint.h):
//   {"config": {...gan_config_to_json...}, "seed": 1,
//    "timeline": [{"step": 500, "key": "adam_g.lr", "value": 0.0001}, ...]}
//    "data": "7c0e...16 hex"}
// "config" and "seed" are required, "timeline" may be absent (no changes), "data" too: the
// content hash of the images the run trains on (dataset_content_hash, io/link.h), written when
// known (non-zero). A run is a function of (recipe, data): the hash says which data, so a replay
// on other images is caught (`ganvas train --recipe` refuses it, a loaded checkpoint says so).
//
// Lone updates (Step D / Step G in the shell): an entry whose key is "update" (kUpdateKey, not
// a setting) and whose value is "d" or "g" is one D update (one D step: a real batch and z
// drawn from the run's streams, Adam on D) or one G update (fresh z, Adam on G) done alone
// once `step` iterations were done, before the next one; it does not count as an iteration.
// Gan performs them where they stand (gan.h), so a replay gives the same bits. The entry has
// the shape of a change ({"step": 3, "key": "update", "value": "d"}, and ch=3:update=d in
// links), so recipes and links without lone updates read and write exactly as before.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "gan/config.h"

namespace ganvas {

// The pseudo-key of a lone update (see the top of this file).
inline constexpr const char* kUpdateKey = "update";

struct RecipeChange {
    int64_t step = 0;   // applied once this many training steps are done
    std::string key;    // a Live setting's key, or kUpdateKey
    std::string value;  // the table's encoding of the new value ("\"d\"" / "\"g\"" for an update)
    bool is_update() const { return key == kUpdateKey; }
    char update_kind() const { return value == "\"d\"" ? 'd' : 'g'; }  // for is_update() entries
};

struct Recipe {
    GanConfig config;  // at step 0
    uint64_t seed = 1;
    std::vector<RecipeChange> timeline;  // steps never decrease
    uint64_t data_hash = 0;              // dataset_content_hash of the training images; 0: unknown
};

// A recipe with no changes.
Recipe recipe_of(const GanConfig& config, uint64_t seed);
// Appends "at `step`, `key` = `text`" (text as settings_set_text takes it; stored in the
// table's encoding). Refuses unknown or reset-only keys, bad values and a step before the
// timeline's last; on error *recipe is unchanged.
Status recipe_add_change(Recipe* recipe, int64_t step, const std::string& key, const std::string& text);
// Appends "at `step`, one lone update of `kind`" ('d' or 'g'). Refuses a step before the
// timeline's last and another kind; on error *recipe is unchanged.
Status recipe_add_update(Recipe* recipe, int64_t step, char kind);
// The config in effect once `step` steps are done: every change at a step <= `step` applied.
GanConfig recipe_config_at(const Recipe& recipe, int64_t step);

// One line of JSON, and back (strict: unknown keys, wrong types, bad changes are errors
// that say where; on error *out is unchanged).
std::string recipe_to_json(const Recipe& recipe);
Status recipe_from_json(const std::string& json, Recipe* out);

}  // namespace ganvas
