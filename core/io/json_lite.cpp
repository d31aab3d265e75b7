// json_lite.cpp - a recursive-descent JSON reader. See json_lite.h.
#include "io/json_lite.h"

#include <cstdio>
#include <locale>
#include <sstream>

namespace ganvas {

const JsonValue* JsonValue::find(const std::string& key) const {
    if (type != JsonType::Object) return nullptr;
    for (const auto& m : members)
        if (m.first == key) return &m.second;
    return nullptr;
}

bool JsonValue::as_int64(int64_t* out) const {
    if (type != JsonType::Number || text.empty()) return false;
    size_t i = 0;
    const bool negative = text[0] == '-';
    if (negative) i = 1;
    if (i == text.size()) return false;
    uint64_t magnitude = 0;
    const uint64_t limit = negative ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX);
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return false;  // a fraction or an exponent
        const uint64_t digit = uint64_t(c - '0');
        if (magnitude > (limit - digit) / 10) return false;  // would overflow int64
        magnitude = magnitude * 10 + digit;
    }
    *out = negative ? int64_t(0 - magnitude) : int64_t(magnitude);
    return true;
}

const char* JsonValue::type_name() const {
    switch (type) {
        case JsonType::Null: return "null";
        case JsonType::Bool: return "a boolean";
        case JsonType::Number: return "a number";
        case JsonType::String: return "a string";
        case JsonType::Array: return "an array";
        case JsonType::Object: return "an object";
    }
    return "?";
}

namespace {

class Parser {
public:
    Parser(const char* text, size_t size, int max_depth) : p_(text), begin_(text), end_(text + size), max_depth_(max_depth) {}

    Status parse(JsonValue* out) {
        JsonValue root;
        skip_space();
        if (!value(&root, 0)) return Status::failure(error_);
        skip_space();
        if (p_ != end_) return fail_status("unexpected text after the end of the JSON value");
        *out = std::move(root);
        return Status::success();
    }

private:
    const char* p_;
    const char* begin_;
    const char* end_;
    int max_depth_;
    std::string error_;

    bool fail(const std::string& what) {
        if (error_.empty()) error_ = what + " at byte " + std::to_string(p_ - begin_);
        return false;
    }
    Status fail_status(const std::string& what) {
        fail(what);
        return Status::failure(error_);
    }

    void skip_space() {
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
    }

    bool literal(const char* word) {
        for (const char* w = word; *w; ++w, ++p_)
            if (p_ >= end_ || *p_ != *w) return fail(std::string("expected '") + word + "'");
        return true;
    }

    bool value(JsonValue* out, int depth) {
        if (p_ >= end_) return fail("unexpected end of the JSON text");
        switch (*p_) {
            case '{': return object(out, depth + 1);
            case '[': return array(out, depth + 1);
            case '"': out->type = JsonType::String; return string(&out->text);
            case 't': out->type = JsonType::Bool; out->boolean = true; return literal("true");
            case 'f': out->type = JsonType::Bool; out->boolean = false; return literal("false");
            case 'n': out->type = JsonType::Null; return literal("null");
            default: return number(out);
        }
    }

    bool object(JsonValue* out, int depth) {
        if (depth > max_depth_) return fail("JSON nested deeper than " + std::to_string(max_depth_) + " levels");
        out->type = JsonType::Object;
        ++p_;  // '{'
        skip_space();
        if (p_ < end_ && *p_ == '}') {
            ++p_;
            return true;
        }
        for (;;) {
            skip_space();
            if (p_ >= end_ || *p_ != '"') return fail("expected a string key in an object");
            std::string key;
            if (!string(&key)) return false;
            if (out->find(key)) return fail("duplicate key \"" + key + "\"");
            skip_space();
            if (p_ >= end_ || *p_ != ':') return fail("expected ':' after an object key");
            ++p_;
            skip_space();
            out->members.emplace_back(std::move(key), JsonValue());
            if (!value(&out->members.back().second, depth)) return false;
            skip_space();
            if (p_ < end_ && *p_ == ',') {
                ++p_;
                continue;
            }
            if (p_ < end_ && *p_ == '}') {
                ++p_;
                return true;
            }
            return fail("expected ',' or '}' in an object");
        }
    }

    bool array(JsonValue* out, int depth) {
        if (depth > max_depth_) return fail("JSON nested deeper than " + std::to_string(max_depth_) + " levels");
        out->type = JsonType::Array;
        ++p_;  // '['
        skip_space();
        if (p_ < end_ && *p_ == ']') {
            ++p_;
            return true;
        }
        for (;;) {
            skip_space();
            out->items.emplace_back();
            if (!value(&out->items.back(), depth)) return false;
            skip_space();
            if (p_ < end_ && *p_ == ',') {
                ++p_;
                continue;
            }
            if (p_ < end_ && *p_ == ']') {
                ++p_;
                return true;
            }
            return fail("expected ',' or ']' in an array");
        }
    }

    bool hex4(uint32_t* out) {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i, ++p_) {
            if (p_ >= end_) return fail("unexpected end inside a \\u escape");
            const char c = *p_;
            v <<= 4;
            if (c >= '0' && c <= '9') v |= uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f') v |= uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= uint32_t(c - 'A' + 10);
            else return fail("expected four hex digits after \\u");
        }
        *out = v;
        return true;
    }

    static void append_utf8(std::string* s, uint32_t cp) {
        if (cp < 0x80) {
            *s += char(cp);
        } else if (cp < 0x800) {
            *s += char(0xC0 | (cp >> 6));
            *s += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *s += char(0xE0 | (cp >> 12));
            *s += char(0x80 | ((cp >> 6) & 0x3F));
            *s += char(0x80 | (cp & 0x3F));
        } else {
            *s += char(0xF0 | (cp >> 18));
            *s += char(0x80 | ((cp >> 12) & 0x3F));
            *s += char(0x80 | ((cp >> 6) & 0x3F));
            *s += char(0x80 | (cp & 0x3F));
        }
    }

    bool string(std::string* out) {
        ++p_;  // opening quote
        for (;;) {
            if (p_ >= end_) return fail("unterminated string");
            const char c = *p_;
            if (c == '"') {
                ++p_;
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) return fail("control character inside a string");
            if (c != '\\') {
                *out += c;
                ++p_;
                continue;
            }
            ++p_;
            if (p_ >= end_) return fail("unterminated escape in a string");
            const char e = *p_++;
            switch (e) {
                case '"': *out += '"'; break;
                case '\\': *out += '\\'; break;
                case '/': *out += '/'; break;
                case 'b': *out += '\b'; break;
                case 'f': *out += '\f'; break;
                case 'n': *out += '\n'; break;
                case 'r': *out += '\r'; break;
                case 't': *out += '\t'; break;
                case 'u': {
                    uint32_t cp = 0;
                    if (!hex4(&cp)) return false;
                    if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: a low one must follow
                        uint32_t low = 0;
                        if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return fail("unpaired UTF-16 surrogate");
                        p_ += 2;
                        if (!hex4(&low)) return false;
                        if (low < 0xDC00 || low >= 0xE000) return fail("unpaired UTF-16 surrogate");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp < 0xE000) {
                        return fail("unpaired UTF-16 surrogate");
                    }
                    append_utf8(out, cp);
                    break;
                }
                default: --p_; return fail("unknown escape in a string");
            }
        }
    }

    bool digits() {
        if (p_ >= end_ || *p_ < '0' || *p_ > '9') return fail("expected a digit");
        while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
        return true;
    }

    bool number(JsonValue* out) {
        const char* start = p_;
        if (p_ < end_ && *p_ == '-') ++p_;
        if (p_ >= end_ || *p_ < '0' || *p_ > '9') return fail("expected a JSON value");
        if (*p_ == '0') ++p_;  // no leading zeros
        else if (!digits()) return false;
        if (p_ < end_ && *p_ == '.') {
            ++p_;
            if (!digits()) return false;
        }
        if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
            ++p_;
            if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
            if (!digits()) return false;
        }
        out->type = JsonType::Number;
        out->text.assign(start, p_);
        // The classic locale: strtod would follow the process locale's decimal separator.
        std::istringstream in(out->text);
        in.imbue(std::locale::classic());
        in >> out->number;  // out of range gives +-max or 0 with failbit; the text stays exact
        return true;
    }
};

}  // namespace

Status json_parse(const char* text, size_t size, JsonValue* out, int max_depth) {
    return Parser(text, size, max_depth).parse(out);
}

std::string json_quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace ganvas
