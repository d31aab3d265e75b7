// settings.h - the one table of training settings, and everything derived from it.
//
// Each member of GanConfig is one entry of settings_list(): its key ("adam_g.lr", dotted for
// nested members), its type, its allowed range and the reason shown when a value is outside
// it, whether it may change during a run (Live) or only when the networks are rebuilt
// (Reset), a one-line help text and an accessor to the member. Its default is the member's
// initialiser in GanConfig{} (the seed's program), read through the accessor, never repeated.
// From the table come:
//   - the config's JSON (gan_config_to_json / gan_config_from_json in config.h, implemented in
//     settings.cpp with nlohmann-json): strict - unknown key, wrong type, out of range ->
//     an error naming the key; absent keys keep their values;
//   - validation (gan_config_validate);
//   - the CLI's `--set key=value` (settings_set_text) and its help (cli/train_command.cpp);
//   - later, widgets and link fields (iterate settings_list()).
// Adding a setting: a GanConfig member, one entry in settings.cpp's table, and its use. A new
// one whose default is "off" is marked omit_at_default (see Setting).
//
// Values in text, "the table's encoding" (settings_get_text, recipes' timelines): the JSON of
// the value - 100, 0.0002, [128,256,512], "bce", true. Floats are written as the SHORTEST
// decimal that reads back as the same float (nlohmann-json with a float number type), so every
// value round-trips bit for bit (tests/test_settings.cpp checks thousands of random values).
// settings_set_text also takes the bare forms a shell is comfortable with: 128,256,512 and bce.
//
// Live or reset-only:
//   Live   adam_g.*, adam_d.*, d_steps, objective, gp_lambda, r1_gamma, real_label, instance_noise,
//          instance_noise_steps, ema_decay: read by the training
//          step each iteration; changing them keeps weights, Adam state and streams.
//   Reset  latent_dim, g_hidden, d_hidden, image_pixels (tensor shapes), batch_size (the step
//          buffers and the data sampler's order are sized by it), leaky_slope (stored in the
//          networks' layer specs when they are built), spectral_norm, minibatch_stddev (D's layers).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "gan/config.h"

namespace ganvas {

// [SECTION] The table

enum class SettingType {
    Int,      // int
    Float,    // float
    IntList,  // std::vector<int>
    Choice,   // std::string, one of choices()
    Bool,     // bool
};

enum class SettingScope {
    Live,   // may change between two training steps
    Reset,  // the networks (or the step's buffers) must be rebuilt: only at the start of a run
};

struct Setting {
    std::string key;         // "latent_dim", "adam_g.lr"
    SettingType type = SettingType::Int;
    SettingScope scope = SettingScope::Reset;
    // Int, Float, and each item of an IntList: lo..hi; a Float bound may be open (excluded).
    double lo = 0, hi = 0;
    bool lo_open = false, hi_open = false;
    int min_items = 0, max_items = 0;             // IntList: how many items
    std::vector<std::string> (*choices)() = nullptr;  // Choice: the allowed names
    std::string reason;       // why a value is refused: "hidden widths must be 1..4096"
    // Written (config JSON, links) only when it differs from its default: settings added after
    // checkpoints and links existed, so the files of runs that do not use them stay byte for
    // byte what they were (and every pinned hash with them). Readers take them either way.
    bool omit_at_default = false;
    std::string help;         // one line for --help, tooltips and docs
    // The member in a config: the one accessor of `type` is set, the others are null.
    int* (*int_member)(GanConfig&) = nullptr;
    float* (*float_member)(GanConfig&) = nullptr;
    std::vector<int>* (*list_member)(GanConfig&) = nullptr;
    std::string* (*choice_member)(GanConfig&) = nullptr;
    bool* (*bool_member)(GanConfig&) = nullptr;
};

// Every setting, in the order configs are written and help is shown.
const std::vector<Setting>& settings_list();
// The entry of `key`, or nullptr.
const Setting* settings_find(const std::string& key);
// "int", "float", "int list", "choice", "bool".
const char* setting_type_name(SettingType type);
// The allowed values in words: "1..1024", "(0, 1]", "1..8 items of 1..4096", "bce".
std::string setting_range_text(const Setting& setting);

// [SECTION] Values in text

// The value of `setting` in `config`, in the table's encoding (see the top of this file).
std::string settings_get_text(const GanConfig& config, const Setting& setting);
// Sets `key` from text (the table's encoding, or a bare list / name). Refuses unknown keys,
// text of the wrong type and values out of range, with a message naming the key; on error
// *config is unchanged.
Status settings_set_text(GanConfig* config, const std::string& key, const std::string& text);
// "key=value", as `ganvas train --set` takes it.
Status settings_set_assignment(GanConfig* config, const std::string& assignment);

// [SECTION] Checks and JSON

// The member of `setting` in `config` is in range (or is one of the choices).
Status settings_check(const GanConfig& config, const Setting& setting);
// Whether writers (config JSON, links) write `setting` for `config`: always, unless it is
// omit_at_default and holds its default.
bool settings_written(const GanConfig& config, const Setting& setting);
// gan_config_validate (config.h) checks every setting, then the combinations: a penalty needs a
// D whose every layer has a double backward (nn/double_backward.h).
// Reads a config JSON object (what gan_config_to_json writes, or a hand-written subset) onto
// *config: present keys replace values, absent ones keep them. Strict; on error unchanged.
Status gan_config_apply_json(const std::string& json, GanConfig* config);

}  // namespace ganvas
