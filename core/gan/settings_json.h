// settings_json.h - the JSON type the settings table reads and writes (for settings.cpp and
// recipe.cpp; the rest of Ganvas goes through their string functions).
//
// nlohmann-json with float as its number type: a float is written as the shortest decimal
// that reads back as the same float (0.0002, not 0.000199999995), and read with strtof, so
// values round-trip bit for bit. Parsing never throws (JSON_NOEXCEPTION; wasm has no
// exceptions): settings_json_parse reports errors as a Status.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "gan/settings.h"

namespace ganvas {

// Objects keep their keys in insertion order (configs are written in the table's order).
using SettingJson = nlohmann::basic_json<nlohmann::ordered_map, std::vector, std::string, bool, std::int64_t, std::uint64_t, float>;

// Parses `text` strictly: syntax errors (with line and column), duplicate object keys and
// nesting deeper than 16 are errors. `what` names the text in messages ("config", "recipe").
Status settings_json_parse(const std::string& text, const char* what, SettingJson* out);
// The JSON text of a value. Strings from outside may hold invalid UTF-8, which nlohmann's
// dump() refuses by throwing - an abort under JSON_NOEXCEPTION (found by tests/fuzz) - so every
// dump goes through here: invalid bytes become U+FFFD. Valid text is written unchanged.
std::string settings_json_text(const SettingJson& value);
// "a string", "an array", "a number"... for messages.
const char* settings_json_type_name(const SettingJson& value);

// The value of one setting as JSON, and back (type and range checked; message names the key).
SettingJson settings_get_json(const GanConfig& config, const Setting& setting);
Status settings_set_json(GanConfig* config, const Setting& setting, const SettingJson& value);

// The whole config as a JSON object (nested objects for dotted keys), and back onto *config
// (present keys replace values; unknown keys, wrong types, values out of range are errors).
SettingJson gan_config_json_value(const GanConfig& config);
Status gan_config_apply_json_value(const SettingJson& object, GanConfig* config);

}  // namespace ganvas
