// config.cpp - the training config: presets, validation, JSON. See config.h.
#include "gan/config.h"

#include <cmath>
#include <locale>
#include <sstream>

#include "io/json_lite.h"

namespace ganvas {

// [SECTION] Config

bool gan_config_preset(const std::string& name, GanConfig* out) {
    if (name == "seed") {
        *out = GanConfig{};  // the defaults are the seed's program
        return true;
    }
    return false;
}

std::vector<std::string> gan_config_preset_names() { return {"seed"}; }

static bool adam_ok(const AdamConfig& a) {
    return std::isfinite(a.lr) && a.lr > 0.0f && a.lr <= 1.0f && a.beta1 >= 0.0f && a.beta1 < 1.0f &&
           a.beta2 >= 0.0f && a.beta2 < 1.0f && std::isfinite(a.eps) && a.eps > 0.0f;
}

Status gan_config_validate(const GanConfig& c) {
    if (c.latent_dim < 1 || c.latent_dim > 1024) return Status::failure("latent size must be 1..1024");
    if (c.image_pixels != 784) return Status::failure("images must be 28x28 (784 pixels)");
    if (c.g_hidden.empty() || c.g_hidden.size() > 8 || c.d_hidden.empty() || c.d_hidden.size() > 8)
        return Status::failure("each network needs 1..8 hidden layers");
    for (int w : c.g_hidden)
        if (w < 1 || w > 4096) return Status::failure("hidden widths must be 1..4096");
    for (int w : c.d_hidden)
        if (w < 1 || w > 4096) return Status::failure("hidden widths must be 1..4096");
    if (c.batch_size < 2 || c.batch_size > 1024)
        return Status::failure("batch size must be 2..1024 (BatchNorm needs at least 2 samples)");
    if (!(c.leaky_slope >= 0.0f && c.leaky_slope < 1.0f)) return Status::failure("LeakyReLU slope must be in [0, 1)");
    if (!adam_ok(c.adam_g) || !adam_ok(c.adam_d))
        return Status::failure("Adam needs 0 < lr <= 1, betas in [0, 1) and eps > 0");
    return Status::success();
}

static void json_ints(std::ostringstream& os, const std::vector<int>& v) {
    os << "[";
    for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
    os << "]";
}

static void json_adam(std::ostringstream& os, const AdamConfig& a) {
    os << "{\"lr\":" << a.lr << ",\"beta1\":" << a.beta1 << ",\"beta2\":" << a.beta2 << ",\"eps\":" << a.eps << "}";
}

std::string gan_config_to_json(const GanConfig& c) {
    std::ostringstream os;
    os.imbue(std::locale::classic());  // '.' decimals whatever the process locale
    os.precision(9);
    os << "{\"latent_dim\":" << c.latent_dim << ",\"g_hidden\":";
    json_ints(os, c.g_hidden);
    os << ",\"d_hidden\":";
    json_ints(os, c.d_hidden);
    os << ",\"image_pixels\":" << c.image_pixels << ",\"leaky_slope\":" << c.leaky_slope
       << ",\"batch_size\":" << c.batch_size << ",\"adam_g\":";
    json_adam(os, c.adam_g);
    os << ",\"adam_d\":";
    json_adam(os, c.adam_d);
    os << "}";
    return os.str();
}

namespace {

Status json_int_field(const JsonValue& v, const std::string& key, int* out) {
    int64_t i = 0;
    if (!v.as_int64(&i) || i < -2147483647 || i > 2147483647)
        return Status::failure("config: '" + key + "' must be an integer, not " + (v.type == JsonType::Number ? v.text : v.type_name()));
    *out = int(i);
    return Status::success();
}

Status json_float_field(const JsonValue& v, const std::string& key, float* out) {
    if (v.type != JsonType::Number) return Status::failure("config: '" + key + "' must be a number, not " + v.type_name());
    *out = static_cast<float>(v.number);
    return Status::success();
}

Status json_widths_field(const JsonValue& v, const std::string& key, std::vector<int>* out) {
    if (v.type != JsonType::Array || v.items.size() > 64)
        return Status::failure("config: '" + key + "' must be an array of layer widths");
    std::vector<int> widths;
    for (const JsonValue& item : v.items) {
        int w = 0;
        const Status s = json_int_field(item, key, &w);
        if (!s) return s;
        widths.push_back(w);
    }
    *out = std::move(widths);
    return Status::success();
}

Status json_adam_field(const JsonValue& v, const std::string& key, AdamConfig* out) {
    if (v.type != JsonType::Object) return Status::failure("config: '" + key + "' must be an object {lr, beta1, beta2, eps}");
    AdamConfig a = *out;
    for (const auto& m : v.members) {
        float* field = m.first == "lr" ? &a.lr : m.first == "beta1" ? &a.beta1 : m.first == "beta2" ? &a.beta2
                     : m.first == "eps" ? &a.eps : nullptr;
        if (!field) return Status::failure("config: unknown key '" + key + "." + m.first + "' (known: lr, beta1, beta2, eps)");
        const Status s = json_float_field(m.second, key + "." + m.first, field);
        if (!s) return s;
    }
    *out = a;
    return Status::success();
}

}  // namespace

Status gan_config_from_json(const std::string& json, GanConfig* out) {
    JsonValue root;
    const Status parsed = json_parse(json.data(), json.size(), &root, 8);
    if (!parsed) return Status::failure("config is not valid JSON: " + parsed.message);
    if (root.type != JsonType::Object) return Status::failure("config must be a JSON object");
    GanConfig c;  // the seed's values for absent keys
    for (const auto& m : root.members) {
        const std::string& k = m.first;
        Status s;
        if (k == "latent_dim") s = json_int_field(m.second, k, &c.latent_dim);
        else if (k == "g_hidden") s = json_widths_field(m.second, k, &c.g_hidden);
        else if (k == "d_hidden") s = json_widths_field(m.second, k, &c.d_hidden);
        else if (k == "image_pixels") s = json_int_field(m.second, k, &c.image_pixels);
        else if (k == "leaky_slope") s = json_float_field(m.second, k, &c.leaky_slope);
        else if (k == "batch_size") s = json_int_field(m.second, k, &c.batch_size);
        else if (k == "adam_g") s = json_adam_field(m.second, k, &c.adam_g);
        else if (k == "adam_d") s = json_adam_field(m.second, k, &c.adam_d);
        else
            s = Status::failure("config: unknown key '" + k +
                                "' (known: latent_dim, g_hidden, d_hidden, image_pixels, leaky_slope, batch_size, adam_g, adam_d)");
        if (!s) return s;
    }
    const Status valid = gan_config_validate(c);
    if (!valid) return Status::failure("config: " + valid.message);
    *out = c;
    return Status::success();
}

}  // namespace ganvas
