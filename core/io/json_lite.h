// json_lite.h - a small, strict JSON reader for the safetensors headers Ganvas loads (configs
// and recipes go through the settings table and nlohmann-json: gan/settings.h).
//
// Parses RFC 8259 JSON into a tree of JsonValue. Strict where a hostile file could do harm:
// nesting deeper than max_depth, duplicate object keys, control characters in strings and
// trailing garbage are errors, each reported with the byte position. Numbers keep their
// source text next to the double, so integers (tensor offsets) are read exactly as int64
// rather than through a double. Only what Ganvas needs: no writer, no streaming.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace ganvas {

enum class JsonType { Null, Bool, Number, String, Array, Object };

struct JsonValue {
    JsonType type = JsonType::Null;
    bool boolean = false;
    double number = 0.0;
    std::string text;  // String: the decoded UTF-8 value; Number: the literal as written
    std::vector<JsonValue> items;                             // Array
    std::vector<std::pair<std::string, JsonValue>> members;  // Object, in file order

    // The member named key, or nullptr (also when this is not an object).
    const JsonValue* find(const std::string& key) const;
    // True, with *out set, when this is a number written as an integer (no fraction or
    // exponent) that fits in int64.
    bool as_int64(int64_t* out) const;
    // A short name of the type for messages: "a string", "an array"...
    const char* type_name() const;
};

// Parses exactly `size` bytes (surrounding whitespace allowed). On error *out is unchanged
// and the message says what was expected and at which byte.
Status json_parse(const char* text, size_t size, JsonValue* out, int max_depth = 64);

// `s` as a JSON string literal, quotes included (escapes ", \ and control characters).
std::string json_quote(const std::string& s);

}  // namespace ganvas
