// link.cpp - the share link's text (io/link.h): the writer and the strict parser.
//
// The parser reads the fields in their one order with a cursor and refuses anything else; every
// value must be in its canonical form (the writer's), so an accepted link re-serialises to
// itself. What the fields mean in numbers (z, batch, hashes) is link_digit.cpp.
#include "io/link.h"

#include <cmath>
#include <cstring>

#include "base/hash.h"
#include "gan/settings.h"
#include "gan/settings_json.h"

namespace ganvas {

namespace {

// [SECTION] Text pieces: percent-encoding, integers, floats, hex, base64url

// Written as themselves; every other byte as %XX (uppercase hex).
bool is_plain(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~' || c == ':' || c == ',' || c == '=';
}

const char kUpperHex[] = "0123456789ABCDEF";

std::string percent_encode(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (is_plain(c)) {
            out += char(c);
        } else {
            out += '%';
            out += kUpperHex[c >> 4];
            out += kUpperHex[c & 15];
        }
    }
    return out;
}

int upper_hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Strict: %XX with uppercase hex, only for bytes that must be encoded.
Status percent_decode(const std::string& text, std::string* out) {
    std::string decoded;
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = (unsigned char)text[i];
        if (c == '%') {
            const int hi = i + 2 < text.size() ? upper_hex_value(text[i + 1]) : -1;
            const int lo = hi >= 0 ? upper_hex_value(text[i + 2]) : -1;
            if (lo < 0) return Status::failure("a '%' not followed by two uppercase hex digits");
            const unsigned char byte = (unsigned char)(hi * 16 + lo);
            if (is_plain(byte)) return Status::failure("'" + std::string(1, char(byte)) + "' is percent-encoded (write it as itself)");
            decoded += char(byte);
            i += 2;
        } else if (is_plain(c)) {
            decoded += char(c);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "%%%02X", unsigned(c));
            return Status::failure("a character that must be percent-encoded (write " + std::string(hex) + ")");
        }
    }
    *out = std::move(decoded);
    return Status::success();
}

// "..." quoted for messages, cut to 40 characters.
std::string quoted(const std::string& text) {
    return "\"" + (text.size() > 40 ? text.substr(0, 40) + "..." : text) + "\"";
}

// Decimal digits without sign or leading zeros, at most `max`.
bool parse_uint(const std::string& text, uint64_t max, uint64_t* out) {
    if (text.empty() || text.size() > 20 || (text[0] == '0' && text.size() > 1)) return false;
    uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        const uint64_t d = uint64_t(c - '0');
        if (v > (max - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

// Lowercase hex of exactly `digits` digits.
bool parse_lower_hex(const std::string& text, size_t digits, uint64_t* out) {
    if (text.size() != digits) return false;
    uint64_t v = 0;
    for (char c : text) {
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return false;
        v = v << 4 | uint64_t(d);
    }
    *out = v;
    return true;
}

std::string hex32(uint32_t v) {
    char text[9];
    std::snprintf(text, sizeof text, "%08x", unsigned(v));
    return text;
}

// The shortest text that reads back as the same float (the settings table's way).
std::string float_text(float v) { return SettingJson(v).dump(); }

const char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(const uint8_t* bytes, size_t size) {
    std::string out;
    for (size_t i = 0; i < size; i += 3) {
        const size_t n = size - i < 3 ? size - i : 3;
        uint32_t v = uint32_t(bytes[i]) << 16;
        if (n > 1) v |= uint32_t(bytes[i + 1]) << 8;
        if (n > 2) v |= bytes[i + 2];
        for (size_t k = 0; k <= n; ++k) out += kBase64Url[(v >> (18 - 6 * k)) & 63];
    }
    return out;
}

// Strict: only the alphabet, no padding, unused trailing bits zero.
Status base64url_decode(const std::string& text, std::vector<uint8_t>* out) {
    if (text.size() % 4 == 1) return Status::failure("base64url of " + std::to_string(text.size()) + " characters is cut short");
    std::vector<uint8_t> bytes;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const char* at = c ? std::strchr(kBase64Url, c) : nullptr;
        if (!at) return Status::failure("'" + std::string(1, c) + "' is not a base64url character (A-Z a-z 0-9 - _)");
        acc = acc << 6 | uint32_t(at - kBase64Url);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.push_back(uint8_t(acc >> bits));
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) return Status::failure("base64url with stray bits at its end (not as a writer makes it)");
    *out = std::move(bytes);
    return Status::success();
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts(1);
    for (char c : text) {
        if (c == separator) parts.emplace_back();
        else parts.back() += c;
    }
    return parts;
}

// A setting's table encoding in its bare form: 128,256,512 and bce (no [ ] or quotes).
std::string bare(const std::string& text) {
    if (text.size() >= 2 && ((text.front() == '[' && text.back() == ']') || (text.front() == '"' && text.back() == '"')))
        return text.substr(1, text.size() - 2);
    return text;
}

// [SECTION] Writing

std::string z_text(const LinkZ& z) {
    switch (z.kind) {
        case LinkZ::Kind::Seeded: return "s:" + std::to_string(z.seed) + ":" + std::to_string(z.index);
        case LinkZ::Kind::Slerp:
            return "slerp:" + std::to_string(z.seed) + ":" + std::to_string(z.index) + ":" + std::to_string(z.seed2) + ":" +
                   std::to_string(z.index2) + ":" + float_text(z.t);
        case LinkZ::Kind::Raw:
            return "f32:" + base64url_encode(reinterpret_cast<const uint8_t*>(z.raw.data()), z.raw.size() * sizeof(float));
    }
    return "";
}

// Everything before "&c=" (link_check's length check needs it before the link is known valid).
std::string fragment_body(const ShareLink& link) {
    std::string out = "ganvas=" + std::to_string(kLinkVersion) + "&seed=" + std::to_string(link.recipe.seed) +
                      "&steps=" + std::to_string(link.steps) + "&data=" + hash_hex(link.data_hash);
    for (const Setting& s : settings_list())
        if (settings_written(link.recipe.config, s))
            out += "&" + s.key + "=" + percent_encode(bare(settings_get_text(link.recipe.config, s)));
    for (const RecipeChange& c : link.recipe.timeline)
        out += "&ch=" + percent_encode(std::to_string(c.step) + ":" + c.key + "=" + bare(c.value));
    out += "&w=" + hash_hex(link.weight_hash);
    if (link.grid) out += "&grid=" + std::to_string(link.grid_seed) + ":" + std::to_string(link.grid_count);
    else out += "&z=" + percent_encode(z_text(link.z));
    if (link.bn.mode == LinkBatchNorm::Mode::Eval) out += "&bn=eval";
    else if (link.grid) out += "&bn=batch";
    else out += "&bn=batch:" + std::to_string(link.bn.seed) + ":" + std::to_string(link.bn.count) + ":" + std::to_string(link.bn.row);
    return out;
}

std::string with_checksum(const std::string& body) {
    return body + "&c=" + hex32(uint32_t(hash64(body.data(), body.size())));
}

// [SECTION] Reading

Status field_error(const std::string& field, const std::string& why) {
    return Status::failure("link: field '" + field + "': " + why);
}

// Position of a field name in the one order (settings share one slot), or -1.
enum Slot { kVersion, kSeed, kSteps, kData, kSettings, kChanges, kWeights, kDigit, kBatchNorm, kEnd };
const char* const kSlotNames[] = {"ganvas", "seed", "steps", "data", "<setting>", "ch", "w", "z", "bn"};

int slot_of(const std::string& name) {
    if (name == "grid") return kDigit;
    for (int i = 0; i < kEnd; ++i)
        if (i != kSettings && name == kSlotNames[i]) return i;
    return settings_find(name) ? kSettings : -1;
}

struct Field {
    std::string name, raw, value;  // value: percent-decoded raw
};

Status parse_uint_field(const Field& f, const std::string& text, uint64_t max, const char* what, uint64_t* out) {
    if (parse_uint(text, max, out)) return Status::success();
    return field_error(f.name, quoted(text) + " is not " + what + (max < (uint64_t(1) << 32) ? " (at most " + std::to_string(max) + ")" : ""));
}

Status parse_z(const Field& f, int latent, LinkZ* out) {
    const std::vector<std::string> p = split(f.value, ':');
    LinkZ z;
    if (p[0] == "s" && p.size() == 3) {
        z.kind = LinkZ::Kind::Seeded;
        if (Status s = parse_uint_field(f, p[1], UINT64_MAX, "a noise seed", &z.seed); !s) return s;
        if (Status s = parse_uint_field(f, p[2], UINT64_MAX, "an index", &z.index); !s) return s;
    } else if (p[0] == "slerp" && p.size() == 6) {
        z.kind = LinkZ::Kind::Slerp;
        if (Status s = parse_uint_field(f, p[1], UINT64_MAX, "a noise seed", &z.seed); !s) return s;
        if (Status s = parse_uint_field(f, p[2], UINT64_MAX, "an index", &z.index); !s) return s;
        if (Status s = parse_uint_field(f, p[3], UINT64_MAX, "a noise seed", &z.seed2); !s) return s;
        if (Status s = parse_uint_field(f, p[4], UINT64_MAX, "an index", &z.index2); !s) return s;
        SettingJson t;
        if (!settings_json_parse(p[5], "t", &t).ok || !t.is_number())
            return field_error(f.name, "slerp t " + quoted(p[5]) + " is not a number");
        z.t = t.get<float>();
        if (!(z.t >= 0 && z.t <= 1) || std::signbit(z.t))
            return field_error(f.name, "slerp t " + quoted(p[5]) + " is outside [0, 1]");
        if (float_text(z.t) != p[5])
            return field_error(f.name, "slerp t " + quoted(p[5]) + " is not written as the shortest float (" + float_text(z.t) + ")");
    } else if (p[0] == "f32" && p.size() == 2) {
        z.kind = LinkZ::Kind::Raw;
        std::vector<uint8_t> bytes;
        if (Status s = base64url_decode(p[1], &bytes); !s) return field_error(f.name, s.message);
        if (bytes.size() != size_t(latent) * sizeof(float))
            return field_error(f.name, "raw z of " + std::to_string(bytes.size()) + " bytes; latent_dim " + std::to_string(latent) +
                                           " needs " + std::to_string(latent * 4) + " (float32 each)");
        z.raw.resize(size_t(latent));
        std::memcpy(z.raw.data(), bytes.data(), bytes.size());
        for (size_t i = 0; i < z.raw.size(); ++i)
            if (!std::isfinite(z.raw[i])) return field_error(f.name, "raw z value " + std::to_string(i) + " is not finite");
    } else {
        return field_error(f.name, quoted(f.value) + " is not s:SEED:INDEX, slerp:S1:I1:S2:I2:T or f32:BASE64URL");
    }
    *out = std::move(z);
    return Status::success();
}

Status parse_grid(const Field& f, ShareLink* link) {
    const std::vector<std::string> p = split(f.value, ':');
    if (p.size() != 2) return field_error(f.name, quoted(f.value) + " is not SEED:COUNT");
    uint64_t count = 0;
    if (Status s = parse_uint_field(f, p[0], UINT64_MAX, "a noise seed", &link->grid_seed); !s) return s;
    if (Status s = parse_uint_field(f, p[1], 4096, "a count of 1..4096", &count); !s) return s;
    if (count < 1) return field_error(f.name, "a grid of 0 digits");
    link->grid = true;
    link->grid_count = int(count);
    return Status::success();
}

Status parse_bn(const Field& f, ShareLink* link) {
    LinkBatchNorm bn;
    const std::vector<std::string> p = split(f.value, ':');
    if (f.value == "eval") {
        bn.mode = LinkBatchNorm::Mode::Eval;
    } else if (link->grid) {
        if (f.value != "batch") return field_error(f.name, quoted(f.value) + " is not eval or batch (a grid is its own batch)");
        bn.seed = link->grid_seed;
        bn.count = link->grid_count;
    } else {
        if (p[0] != "batch" || p.size() != 4) return field_error(f.name, quoted(f.value) + " is not eval or batch:SEED:COUNT:ROW");
        uint64_t count = 0, row = 0;
        if (Status s = parse_uint_field(f, p[1], UINT64_MAX, "a noise seed", &bn.seed); !s) return s;
        if (Status s = parse_uint_field(f, p[2], 4096, "a batch size of 2..4096", &count); !s) return s;
        if (count < 2) return field_error(f.name, "a batch of " + std::to_string(count) + " (BatchNorm needs 2..4096 rows)");
        if (Status s = parse_uint_field(f, p[3], UINT64_MAX, "a row", &row); !s) return s;
        if (row >= count)
            return field_error(f.name, "row " + p[3] + " is outside the batch of " + std::to_string(count));
        bn.count = int(count);
        bn.row = int(row);
    }
    link->bn = bn;
    return Status::success();
}

Status parse_change(const Field& f, int index, ShareLink* link) {
    const std::string where = "ch #" + std::to_string(index);
    const size_t colon = f.value.find(':'), equals = f.value.find('=');
    if (colon == std::string::npos || equals == std::string::npos || equals < colon)
        return Status::failure("link: " + where + ": " + quoted(f.value) + " is not STEP:KEY=VALUE");
    uint64_t step = 0;
    const std::string step_text = f.value.substr(0, colon), key = f.value.substr(colon + 1, equals - colon - 1),
                      value = f.value.substr(equals + 1);
    if (!parse_uint(step_text, uint64_t(link->steps), &step))
        return Status::failure("link: " + where + ": step " + quoted(step_text) + " is not a step of 0.." + std::to_string(link->steps));
    if (Status s = recipe_add_change(&link->recipe, int64_t(step), key, value); !s)
        return Status::failure("link: " + where + ": " + s.message);
    if (bare(link->recipe.timeline.back().value) != value)
        return Status::failure("link: " + where + ": " + quoted(value) + " is not written canonically (" +
                               bare(link->recipe.timeline.back().value) + ")");
    return Status::success();
}

// The fields after "ganvas=1", in order, onto *link.
Status parse_fields(const std::vector<Field>& fields, ShareLink* link) {
    size_t i = 1;
    int slot = kSeed;
    const Setting* last_setting = nullptr;
    std::vector<bool> seen_setting(settings_list().size());
    int changes = 0;
    for (; i < fields.size(); ++i) {
        const Field& f = fields[i];
        const int at = slot_of(f.name);
        if (at < 0) return Status::failure("link: unknown field '" + f.name + "'");
        if (at < slot) {  // a field whose place is behind us: parsed already, or out of order
            const bool repeated = at == kSettings ? seen_setting[size_t(settings_find(f.name) - settings_list().data())]
                                                  : at != kChanges;  // every other field is required: seen
            if (repeated) return Status::failure("link: field '" + f.name + "' is repeated" +
                                                 (at == kDigit ? " (a link has one z or grid)" : ""));
            return Status::failure("link: field '" + f.name + "' is misplaced (fields come in the order ganvas, seed, steps, "
                                   "data, the settings in the table's order, ch, w, z or grid, bn, c)");
        }
        const int required = slot == kSettings || slot == kChanges ? int(kWeights) : slot;  // the next field that must come
        if (at > required)
            return Status::failure("link: missing field '" + std::string(kSlotNames[required]) + "' (before '" + f.name + "')");
        slot = at;
        switch (at) {
            case kSeed:
                if (Status s = parse_uint_field(f, f.value, UINT64_MAX, "a seed", &link->recipe.seed); !s) return s;
                slot = kSteps;
                break;
            case kSteps: {
                uint64_t steps = 0;
                if (Status s = parse_uint_field(f, f.value, uint64_t(INT64_MAX), "a non-negative integer", &steps); !s) return s;
                link->steps = int64_t(steps);
                slot = kData;
                break;
            }
            case kData:
                if (!parse_lower_hex(f.value, 16, &link->data_hash))
                    return field_error(f.name, quoted(f.value) + " is not 16 lowercase hex digits");
                slot = kSettings;
                break;
            case kSettings: {
                const Setting* s = settings_find(f.name);
                const size_t k = size_t(s - settings_list().data());
                if (seen_setting[k]) return Status::failure("link: field '" + f.name + "' is repeated");
                if (last_setting && s < last_setting)
                    return Status::failure("link: field '" + f.name + "' is misplaced (settings come in the table's order: '" +
                                           f.name + "' before '" + last_setting->key + "')");
                seen_setting[k] = true;
                last_setting = s;
                if (Status set = settings_set_text(&link->recipe.config, f.name, f.value); !set)
                    return field_error(f.name, set.message);
                const std::string canonical = bare(settings_get_text(link->recipe.config, *s));
                if (canonical != f.value)
                    return field_error(f.name, quoted(f.value) + " is not written canonically (" + canonical + ")");
                break;
            }
            case kChanges:
                if (Status s = parse_change(f, ++changes, link); !s) return s;
                break;
            case kWeights:
                if (!parse_lower_hex(f.value, 16, &link->weight_hash))
                    return field_error(f.name, quoted(f.value) + " is not 16 lowercase hex digits");
                slot = kDigit;
                break;
            case kDigit:
                if (f.name == "grid") {
                    if (Status s = parse_grid(f, link); !s) return s;
                } else if (Status s = parse_z(f, link->recipe.config.latent_dim, &link->z); !s) {
                    return s;
                }
                slot = kBatchNorm;
                break;
            case kBatchNorm:
                if (Status s = parse_bn(f, link); !s) return s;
                slot = kEnd;
                break;
        }
    }
    if (slot == kSettings || slot == kChanges) slot = kWeights;
    if (slot != kEnd) return Status::failure("link: missing field '" + std::string(kSlotNames[slot]) + "'");
    return Status::success();
}

}  // namespace

// [SECTION] The API

std::string link_to_fragment(const ShareLink& link) { return with_checksum(fragment_body(link)); }

Status link_check(const ShareLink& link) {
    if (Status s = gan_config_validate(link.recipe.config); !s) return Status::failure("link: " + s.message);
    if (link.steps < 0) return field_error("steps", "a negative step count");
    Recipe replay = recipe_of(link.recipe.config, link.recipe.seed);
    for (size_t i = 0; i < link.recipe.timeline.size(); ++i) {
        const RecipeChange& c = link.recipe.timeline[i];
        const std::string where = "link: ch #" + std::to_string(i + 1) + ": ";
        if (c.step > link.steps)
            return Status::failure(where + "step " + std::to_string(c.step) + " is after the link's " + std::to_string(link.steps));
        if (Status s = recipe_add_change(&replay, c.step, c.key, c.value); !s) return Status::failure(where + s.message);
        if (replay.timeline.back().value != c.value) return Status::failure(where + "'" + c.value + "' is not in the table's encoding");
    }
    const int latent = link.recipe.config.latent_dim;
    if (link.grid) {
        const int lo = link.bn.mode == LinkBatchNorm::Mode::Batch ? 2 : 1;
        if (link.grid_count < lo || link.grid_count > 4096)
            return field_error("grid", std::to_string(link.grid_count) + " digits (" + std::to_string(lo) + "..4096 allowed)");
        if (link.bn.mode == LinkBatchNorm::Mode::Batch &&
            (link.bn.seed != link.grid_seed || link.bn.count != link.grid_count || link.bn.row != 0))
            return field_error("bn", "a grid in batch mode is its own batch (seed, count of the grid, row 0)");
    } else {
        if (link.z.kind == LinkZ::Kind::Raw) {
            if (link.z.raw.size() != size_t(latent))
                return field_error("z", "raw z of " + std::to_string(link.z.raw.size()) + " values; latent_dim is " + std::to_string(latent));
            for (float v : link.z.raw)
                if (!std::isfinite(v)) return field_error("z", "raw z holds a non-finite value");
        }
        if (link.z.kind == LinkZ::Kind::Slerp && (!(link.z.t >= 0 && link.z.t <= 1) || std::signbit(link.z.t)))
            return field_error("z", "slerp t " + float_text(link.z.t) + " is outside [0, 1]");
        if (link.bn.mode == LinkBatchNorm::Mode::Batch) {
            if (link.bn.count < 2 || link.bn.count > 4096)
                return field_error("bn", "a batch of " + std::to_string(link.bn.count) + " (BatchNorm needs 2..4096 rows)");
            if (link.bn.row < 0 || link.bn.row >= link.bn.count)
                return field_error("bn", "row " + std::to_string(link.bn.row) + " is outside the batch of " + std::to_string(link.bn.count));
        }
    }
    const size_t length = fragment_body(link).size() + 11;
    if (length > kLinkMaxChars)
        return Status::failure("link: " + std::to_string(length) + " characters; a link may have at most " + std::to_string(kLinkMaxChars));
    return Status::success();
}

Status link_parse(const std::string& text, ShareLink* out) {
    const size_t hash_at = text.find('#');
    const std::string fragment = hash_at == std::string::npos ? text : text.substr(hash_at + 1);
    if (fragment.size() > kLinkMaxChars)
        return Status::failure("link: " + std::to_string(fragment.size()) + " characters; a link may have at most " +
                               std::to_string(kLinkMaxChars));
    if (fragment.compare(0, 7, "ganvas=") != 0)
        return Status::failure("link: not a Ganvas link (it must start with 'ganvas=', or be a URL with '#ganvas=...')");
    const std::string version = fragment.substr(7, fragment.find('&') == std::string::npos ? std::string::npos : fragment.find('&') - 7);
    uint64_t v = 0;
    if (!parse_uint(version, UINT64_MAX, &v)) return field_error("ganvas", quoted(version) + " is not a version number");
    if (v != uint64_t(kLinkVersion))
        return Status::failure("link: version " + version + " is not supported (this Ganvas reads version " +
                               std::to_string(kLinkVersion) + ")");
    const size_t c_at = fragment.rfind("&c=");
    if (c_at == std::string::npos) return Status::failure("link: missing field 'c' (the checksum; the link was cut short?)");
    const std::string body = fragment.substr(0, c_at), checksum = fragment.substr(c_at + 3);
    uint64_t c = 0;
    if (!parse_lower_hex(checksum, 8, &c))
        return field_error("c", quoted(checksum) + " is not 8 lowercase hex digits (and nothing may follow the checksum)");
    if (c != (hash64(body.data(), body.size()) & 0xffffffffu))
        return Status::failure("link: checksum mismatch (the link was cut or changed)");

    std::vector<Field> fields;
    for (const std::string& part : split(body, '&')) {
        Field f;
        const size_t eq = part.find('=');
        if (eq == std::string::npos || eq == 0)
            return Status::failure("link: field " + std::to_string(fields.size() + 1) + " " + quoted(part) + " is not name=value");
        f.name = part.substr(0, eq);
        f.raw = part.substr(eq + 1);
        if (Status s = percent_decode(f.raw, &f.value); !s) return field_error(f.name, s.message);
        fields.push_back(std::move(f));
    }
    ShareLink link;
    link.recipe = recipe_of(GanConfig{}, 1);
    if (Status s = parse_fields(fields, &link); !s) return s;
    if (Status s = link_check(link); !s) return s;
    // Every field was checked canonical; a link with all its settings written is its own writing
    // (a setting left out at its default counts as written when the writer leaves it out too).
    bool all_settings = true;
    for (const Setting& s : settings_list()) {
        bool found = false;
        for (const Field& f : fields) found = found || f.name == s.key;
        all_settings = all_settings && (found || !settings_written(link.recipe.config, s));
    }
    if (all_settings && link_to_fragment(link) != fragment)
        return Status::failure("link: not in the canonical form a writer makes");
    *out = std::move(link);
    return Status::success();
}

}  // namespace ganvas
