// settings.cpp - the settings table and what is derived from it. See settings.h.
#include "gan/settings.h"

#include <cfloat>
#include <cmath>
#include <set>

#include "gan/networks.h"
#include "gan/objective.h"
#include "nn/double_backward.h"
#include "gan/settings_json.h"

namespace ganvas {

// [SECTION] The table

namespace {

constexpr SettingScope kLive = SettingScope::Live;
constexpr SettingScope kReset = SettingScope::Reset;

// What every entry has; the typed helpers below add the accessor and the rest.
Setting entry(std::string key, SettingType type, SettingScope scope, double lo, double hi, std::string reason, std::string help) {
    Setting s;
    s.key = std::move(key);
    s.type = type;
    s.scope = scope;
    s.lo = lo;
    s.hi = hi;
    s.reason = std::move(reason);
    s.help = std::move(help);
    return s;
}

Setting int_setting(const char* key, SettingScope scope, int lo, int hi, const char* reason, const char* help,
                    int* (*member)(GanConfig&)) {
    Setting s = entry(key, SettingType::Int, scope, lo, hi, reason, help);
    s.int_member = member;
    return s;
}

// lo_open / hi_open: the bound itself is refused ("(0, 1]").
Setting float_setting(std::string key, SettingScope scope, float lo, bool lo_open, float hi, bool hi_open,
                      const char* reason, std::string help, float* (*member)(GanConfig&)) {
    Setting s = entry(std::move(key), SettingType::Float, scope, lo, hi, reason, std::move(help));
    s.lo_open = lo_open;
    s.hi_open = hi_open;
    s.float_member = member;
    return s;
}

// Hidden widths: 1..8 layers of 1..4096; reset-only (they are tensor shapes).
Setting widths_setting(const char* key, const char* reason, const char* help, std::vector<int>* (*member)(GanConfig&)) {
    Setting s = entry(key, SettingType::IntList, kReset, 1, 4096, reason, help);
    s.min_items = 1;
    s.max_items = 8;
    s.list_member = member;
    return s;
}

template <int Net>
AdamConfig& adam_of(GanConfig& c) { return Net == 0 ? c.adam_g : c.adam_d; }

// The four Adam settings of one network: "adam_g.lr", ...
template <int Net>
void add_adam(std::vector<Setting>& table) {
    const std::string k = Net == 0 ? "adam_g." : "adam_d.";
    const std::string net = Net == 0 ? "G" : "D";
    table.push_back(float_setting(k + "lr", kLive, 0.0f, true, 1.0f, false, "Adam's learning rate must be in (0, 1]",
                                  net + "'s Adam learning rate", [](GanConfig& c) { return &adam_of<Net>(c).lr; }));
    table.push_back(float_setting(k + "beta1", kLive, 0.0f, false, 1.0f, true, "Adam's betas must be in [0, 1)",
                                  net + "'s Adam beta1 (decay of the mean gradient)",
                                  [](GanConfig& c) { return &adam_of<Net>(c).beta1; }));
    table.push_back(float_setting(k + "beta2", kLive, 0.0f, false, 1.0f, true, "Adam's betas must be in [0, 1)",
                                  net + "'s Adam beta2 (decay of the mean squared gradient)",
                                  [](GanConfig& c) { return &adam_of<Net>(c).beta2; }));
    table.push_back(float_setting(k + "eps", kLive, 0.0f, true, FLT_MAX, false, "Adam's eps must be positive and finite",
                                  net + "'s Adam eps (added to the root of the second moment)",
                                  [](GanConfig& c) { return &adam_of<Net>(c).eps; }));
}

std::vector<Setting> make_table() {
    std::vector<Setting> t;
    {
        Setting arch = entry("arch", SettingType::Choice, kReset, 0, 0, "the architecture must be one of gan_arch_names()",
                             "the networks: mlp (the seed's fully connected layers) or dcgan (convolutions; the "
                             "hidden widths are then channel counts, 1 or 2 of them, at 7x7 and 14x14)");
        arch.choices = gan_arch_names;
        arch.choice_member = [](GanConfig& c) { return &c.arch; };
        arch.omit_at_default = true;  // the seed's JSON (and so its checkpoints' bytes) unchanged
        t.push_back(std::move(arch));
    }
    t.push_back(int_setting("latent_dim", kReset, 1, 1024, "latent size must be 1..1024", "size of z, the generator's input",
                            [](GanConfig& c) { return &c.latent_dim; }));
    t.push_back(widths_setting("g_hidden", "the generator needs 1..8 hidden layers of widths 1..4096",
                               "the generator's hidden widths (BatchNorm after all but the first)",
                               [](GanConfig& c) { return &c.g_hidden; }));
    t.push_back(widths_setting("d_hidden", "the discriminator needs 1..8 hidden layers of widths 1..4096",
                               "the discriminator's hidden widths", [](GanConfig& c) { return &c.d_hidden; }));
    t.push_back(int_setting("image_pixels", kReset, 784, 784, "images must be 28x28 (784 pixels)",
                            "pixels per image (the data set's 28x28)", [](GanConfig& c) { return &c.image_pixels; }));
    t.push_back(float_setting("leaky_slope", kReset, 0.0f, false, 1.0f, true, "LeakyReLU slope must be in [0, 1)",
                              "negative slope of every LeakyReLU", [](GanConfig& c) { return &c.leaky_slope; }));
    {
        Setting bn = entry("g_batchnorm", SettingType::Bool, kReset, 0, 1, "must be true or false",
                           "BatchNorm1d after each of G's hidden Linear layers but the first (the seed: true)");
        bn.bool_member = [](GanConfig& c) { return &c.g_batchnorm; };
        bn.omit_at_default = true;  // the seed's JSON (and so its checkpoints' bytes) unchanged
        t.push_back(std::move(bn));
    }
    t.push_back(int_setting("batch_size", kReset, 2, 1024, "batch size must be 2..1024 (BatchNorm needs at least 2 samples)",
                            "images per training step", [](GanConfig& c) { return &c.batch_size; }));
    add_adam<0>(t);
    add_adam<1>(t);
    t.push_back(int_setting("d_steps", kLive, 1, 16, "D steps per G step must be 1..16",
                            "D steps per G step, each on its own real batch and z", [](GanConfig& c) { return &c.d_steps; }));
    Setting objective = entry("objective", SettingType::Choice, kLive, 0, 0, "the objective must be one of objective_names()",
                              "what D and G minimise, on D's logits");
    objective.choices = objective_names;
    objective.choice_member = [](GanConfig& c) { return &c.objective; };
    t.push_back(objective);
    // Remedies: live (the step reads them each iteration), written only when used.
    const auto remedy = [&t](Setting s) {
        s.omit_at_default = true;
        t.push_back(std::move(s));
    };
    remedy(float_setting("gp_lambda", kLive, 0.0f, false, 1000.0f, false, "the gradient penalty's weight must be in [0, 1000]",
                         "wgan-gp: weight of the gradient penalty, lambda * mean (|grad D(x_hat)| - 1)^2 on interpolates",
                         [](GanConfig& c) { return &c.gp_lambda; }));
    remedy(float_setting("r1_gamma", kLive, 0.0f, false, 1000.0f, false, "the R1 weight must be in [0, 1000]",
                         "R1 penalty on real data, gamma/2 * mean |grad D(x)|^2 (0 = off)",
                         [](GanConfig& c) { return &c.r1_gamma; }));
    remedy(float_setting("real_label", kLive, 0.5f, false, 1.0f, false, "the real label must be in [0.5, 1]",
                         "one-sided label smoothing: D's target for real samples (1 = off; 0.9 is usual; "
                         "bce, minimax and lsgan only: hinge and wgan-gp have no target)",
                         [](GanConfig& c) { return &c.real_label; }));
    remedy(float_setting("instance_noise", kLive, 0.0f, false, 2.0f, false, "instance noise sigma must be in [0, 2]",
                         "instance noise: sigma of the Gaussian noise on every D input, real and fake (0 = off)",
                         [](GanConfig& c) { return &c.instance_noise; }));
    Setting anneal = int_setting("instance_noise_steps", kLive, 0, 100000000, "the instance noise anneal must be 0..100000000 steps",
                                 "iterations over which instance noise anneals linearly to 0, from its last change (0 = constant)",
                                 [](GanConfig& c) { return &c.instance_noise_steps; });
    remedy(anneal);
    remedy(float_setting("ema_decay", kLive, 0.0f, false, 0.9999f, false, "the EMA decay must be in [0, 0.9999]",
                         "decay of the moving average of G's weights that samples come from (0 = off; 0.999 is usual)",
                         [](GanConfig& c) { return &c.ema_decay; }));
    // Remedies that change D's layers: reset-only (tensor names and shapes).
    const auto d_layers = [&remedy](const char* key, const char* help, bool* (*member)(GanConfig&)) {
        Setting s = entry(key, SettingType::Bool, kReset, 0, 1, "must be true or false", help);
        s.bool_member = member;
        remedy(std::move(s));
    };
    d_layers("spectral_norm", "spectral normalisation of every Linear of D (PyTorch's spectral_norm, one power iteration)",
             [](GanConfig& c) { return &c.spectral_norm; });
    d_layers("minibatch_stddev", "ProGAN's minibatch stddev: the batch's mean feature std as one more input of D's last Linear",
             [](GanConfig& c) { return &c.minibatch_stddev; });
    return t;
}

// Read-only access through the accessors (which take a mutable config).
GanConfig& unconst(const GanConfig& c) { return const_cast<GanConfig&>(c); }

std::string join(const std::vector<std::string>& names, const char* separator) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : separator) + n;
    return out;
}

}  // namespace

const std::vector<Setting>& settings_list() {
    static const std::vector<Setting> table = make_table();  // built once, never changed
    return table;
}

const Setting* settings_find(const std::string& key) {
    for (const Setting& s : settings_list())
        if (s.key == key) return &s;
    return nullptr;
}

const char* setting_type_name(SettingType type) {
    switch (type) {
        case SettingType::Int: return "int";
        case SettingType::Float: return "float";
        case SettingType::IntList: return "int list";
        case SettingType::Choice: return "choice";
        case SettingType::Bool: return "bool";
    }
    return "?";
}

std::string setting_range_text(const Setting& s) {
    const auto number = [](double v) { return v == std::floor(v) ? std::to_string(int64_t(v)) : SettingJson(float(v)).dump(); };
    switch (s.type) {
        case SettingType::Int:
            return std::to_string(int(s.lo)) + ".." + std::to_string(int(s.hi));
        case SettingType::Float:
            return std::string(s.lo_open ? "(" : "[") + number(s.lo) + ", " + (s.hi == FLT_MAX ? "max float" : number(s.hi)) +
                   (s.hi_open ? ")" : "]");
        case SettingType::IntList:
            return std::to_string(s.min_items) + ".." + std::to_string(s.max_items) + " items of " + std::to_string(int(s.lo)) +
                   ".." + std::to_string(int(s.hi));
        case SettingType::Choice: return join(s.choices(), " | ");
        case SettingType::Bool: return "true | false";
    }
    return "";
}

// [SECTION] Values as JSON

namespace {

// A value for messages: the JSON, but NaN and infinities by name (JSON writes them as null).
std::string value_text(const SettingJson& v) {
    if (v.is_number_float() && !std::isfinite(v.get<float>())) {
        const float f = v.get<float>();
        return std::isnan(f) ? "nan" : f > 0 ? "inf" : "-inf";
    }
    return settings_json_text(v);
}

Status out_of_range(const Setting& s, const SettingJson& v) {
    return Status::failure("'" + s.key + "' = " + value_text(v) + ": " + s.reason);
}

Status wrong_type(const Setting& s, const SettingJson& v, const char* expected) {
    return Status::failure("'" + s.key + "' must be " + expected + ", not " + settings_json_type_name(v));
}

// Integers arrive as int64 or, when not negative, as uint64; table ranges are small.
bool int_in_range(const Setting& s, const SettingJson& v) {
    const double d = v.is_number_unsigned() ? double(v.get<uint64_t>()) : double(v.get<int64_t>());
    return d >= s.lo && d <= s.hi;
}

bool float_in_range(const Setting& s, float f) {
    if (!std::isfinite(f)) return false;
    const bool above = s.lo_open ? f > s.lo : f >= s.lo;
    const bool below = s.hi_open ? f < s.hi : f <= s.hi;
    return above && below;
}

}  // namespace

std::string settings_json_text(const SettingJson& value) {
    return value.dump(-1, ' ', false, SettingJson::error_handler_t::replace);
}

const char* settings_json_type_name(const SettingJson& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "a boolean";
    if (v.is_number_integer()) return "an integer";
    if (v.is_number()) return "a number with a fraction";
    if (v.is_string()) return "a string";
    if (v.is_array()) return "an array";
    if (v.is_object()) return "an object";
    return "binary data";
}

SettingJson settings_get_json(const GanConfig& config, const Setting& s) {
    GanConfig& c = unconst(config);
    switch (s.type) {
        case SettingType::Int: return *s.int_member(c);
        case SettingType::Float: return *s.float_member(c);
        case SettingType::IntList: return *s.list_member(c);
        case SettingType::Choice: return *s.choice_member(c);
        case SettingType::Bool: return *s.bool_member(c);
    }
    return nullptr;
}

Status settings_set_json(GanConfig* config, const Setting& s, const SettingJson& v) {
    switch (s.type) {
        case SettingType::Int:
            if (!v.is_number_integer()) return wrong_type(s, v, "an integer");
            if (!int_in_range(s, v)) return out_of_range(s, v);
            *s.int_member(*config) = int(v.get<int64_t>());
            return Status::success();
        case SettingType::Float: {
            if (!v.is_number()) return wrong_type(s, v, "a number");
            const float f = v.get<float>();
            if (!float_in_range(s, f)) return out_of_range(s, SettingJson(f));
            *s.float_member(*config) = f;
            return Status::success();
        }
        case SettingType::IntList: {
            if (!v.is_array()) return wrong_type(s, v, "an array of integers");
            if (int(v.size()) < s.min_items || int(v.size()) > s.max_items) return out_of_range(s, v);
            std::vector<int> items;
            for (const SettingJson& item : v) {
                if (!item.is_number_integer())
                    return Status::failure("'" + s.key + "' must hold integers, not " + settings_json_type_name(item));
                if (!int_in_range(s, item)) return out_of_range(s, v);
                items.push_back(int(item.get<int64_t>()));
            }
            *s.list_member(*config) = std::move(items);
            return Status::success();
        }
        case SettingType::Choice: {
            if (!v.is_string()) return wrong_type(s, v, "a string");
            const std::vector<std::string> names = s.choices();
            for (const std::string& n : names)
                if (n == v.get<std::string>()) {
                    *s.choice_member(*config) = n;
                    return Status::success();
                }
            return Status::failure("'" + s.key + "' = " + settings_json_text(v) + ": not one of " + join(names, ", "));
        }
        case SettingType::Bool:
            if (!v.is_boolean()) return wrong_type(s, v, "true or false");
            *s.bool_member(*config) = v.get<bool>();
            return Status::success();
    }
    return Status::failure("'" + s.key + "' has no type");
}

Status settings_check(const GanConfig& config, const Setting& s) {
    GanConfig scratch = config;  // the one code path of checks: setting the value it holds
    return settings_set_json(&scratch, s, settings_get_json(config, s));
}

bool settings_written(const GanConfig& config, const Setting& s) {
    static const GanConfig defaults;
    return !s.omit_at_default || settings_get_text(config, s) != settings_get_text(defaults, s);
}

Status gan_config_validate(const GanConfig& config) {
    for (const Setting& s : settings_list())
        if (Status ok = settings_check(config, s); !ok) return ok;
    if (Status ok = gan_arch_validate(config); !ok) return ok;
    const Objective* objective = objective_find(config.objective);
    const bool gradient_penalty = (objective->gradient_penalty && config.gp_lambda > 0) || config.r1_gamma > 0;
    if (gradient_penalty && !sequential_has_double_backward(discriminator_layers(config)))
        return Status::failure(std::string(config.r1_gamma > 0 ? "'r1_gamma'" : "'objective' = \"wgan-gp\"") +
                               (config.minibatch_stddev ? " with 'minibatch_stddev'" : "") +
                               ": a gradient penalty needs a discriminator whose every layer has a double backward "
                               "(Linear, SpectralLinear, Conv2d, LeakyReLU); turn the penalty off or the other layers");
    return Status::success();
}

// [SECTION] Values in text

std::string settings_get_text(const GanConfig& config, const Setting& s) { return settings_json_text(settings_get_json(config, s)); }

Status settings_set_text(GanConfig* config, const std::string& key, const std::string& text) {
    const Setting* s = settings_find(key);
    if (!s) {
        std::vector<std::string> keys;
        for (const Setting& each : settings_list()) keys.push_back(each.key);
        return Status::failure("unknown setting '" + key + "' (known: " + join(keys, ", ") + ")");
    }
    SettingJson v;
    const bool bare = text.empty() || (text[0] != '[' && text[0] != '"');
    if (s->type == SettingType::Choice && bare) {
        v = text;
    } else {
        const std::string json = s->type == SettingType::IntList && bare ? "[" + text + "]" : text;
        if (!settings_json_parse(json, "value", &v))
            return Status::failure("'" + key + "' = '" + text + "' is not " + setting_type_name(s->type) + " (allowed: " +
                                   setting_range_text(*s) + ")");
    }
    GanConfig c = *config;
    if (Status set = settings_set_json(&c, *s, v); !set) return set;
    *config = std::move(c);
    return Status::success();
}

Status settings_set_assignment(GanConfig* config, const std::string& assignment) {
    const size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        return Status::failure("'" + assignment + "' is not key=value (e.g. adam_g.lr=0.0001)");
    return settings_set_text(config, assignment.substr(0, eq), assignment.substr(eq + 1));
}

// [SECTION] The config as JSON

SettingJson gan_config_json_value(const GanConfig& config) {
    SettingJson root = SettingJson::object();
    for (const Setting& s : settings_list()) {
        if (!settings_written(config, s)) continue;
        const size_t dot = s.key.find('.');
        if (dot == std::string::npos) root[s.key] = settings_get_json(config, s);
        else root[s.key.substr(0, dot)][s.key.substr(dot + 1)] = settings_get_json(config, s);
    }
    return root;
}

namespace {

// Every name one level below `prefix` ("" or "adam_g."): "latent_dim", ..., "adam_g", ...
std::vector<std::string> names_under(const std::string& prefix) {
    std::vector<std::string> names;
    for (const Setting& s : settings_list()) {
        if (s.key.compare(0, prefix.size(), prefix) != 0) continue;
        const std::string rest = s.key.substr(prefix.size());
        const std::string name = rest.substr(0, rest.find('.'));
        if (names.empty() || names.back() != name) names.push_back(name);
    }
    return names;
}

Status apply_object(const SettingJson& object, const std::string& prefix, GanConfig* c) {
    for (auto it = object.begin(); it != object.end(); ++it) {
        const std::string key = prefix + it.key();
        if (const Setting* s = settings_find(key)) {
            if (Status set = settings_set_json(c, *s, it.value()); !set) return set;
            continue;
        }
        const std::vector<std::string> group = names_under(key + ".");
        if (group.empty()) {
            const std::string where = prefix.empty() ? "" : " in " + prefix.substr(0, prefix.size() - 1);
            return Status::failure("unknown key '" + key + "' (known" + where + ": " + join(names_under(prefix), ", ") + ")");
        }
        if (!it.value().is_object())
            return Status::failure("'" + key + "' must be an object {" + join(group, ", ") + "}, not " +
                                   settings_json_type_name(it.value()));
        if (Status inner = apply_object(it.value(), key + ".", c); !inner) return inner;
    }
    return Status::success();
}

}  // namespace

Status gan_config_apply_json_value(const SettingJson& object, GanConfig* config) {
    if (!object.is_object()) return Status::failure("config must be a JSON object, not " + std::string(settings_json_type_name(object)));
    GanConfig c = *config;
    if (Status s = apply_object(object, "", &c); !s) return Status::failure("config: " + s.message);
    *config = std::move(c);
    return Status::success();
}

Status gan_config_apply_json(const std::string& json, GanConfig* config) {
    SettingJson root;
    if (Status s = settings_json_parse(json, "config", &root); !s) return s;
    return gan_config_apply_json_value(root, config);
}

std::string gan_config_to_json(const GanConfig& config) { return settings_json_text(gan_config_json_value(config)); }

Status gan_config_from_json(const std::string& json, GanConfig* out) {
    GanConfig c;  // the seed's values for absent keys
    if (Status s = gan_config_apply_json(json, &c); !s) return s;
    *out = std::move(c);
    return Status::success();
}

// [SECTION] Strict parsing

namespace {

// nlohmann's DOM builder, plus: duplicate keys and deep nesting refused, the parse error's
// message kept (JSON_NOEXCEPTION: nothing is thrown).
class StrictSax {
public:
    explicit StrictSax(SettingJson* root) : dom_(*root, false) {}
    bool null() { return dom_.null(); }
    bool boolean(bool v) { return dom_.boolean(v); }
    bool number_integer(SettingJson::number_integer_t v) { return dom_.number_integer(v); }
    bool number_unsigned(SettingJson::number_unsigned_t v) { return dom_.number_unsigned(v); }
    bool number_float(SettingJson::number_float_t v, const std::string& s) { return dom_.number_float(v, s); }
    bool string(std::string& v) { return dom_.string(v); }
    bool binary(SettingJson::binary_t& v) { return dom_.binary(v); }
    bool start_object(std::size_t n) { return nest() && (keys_.emplace_back(), dom_.start_object(n)); }
    bool key(std::string& k) {
        if (!keys_.back().insert(k).second) return fail("duplicate key '" + k + "'");
        return dom_.key(k);
    }
    bool end_object() { return unnest() && (keys_.pop_back(), dom_.end_object()); }
    bool start_array(std::size_t n) { return nest() && dom_.start_array(n); }
    bool end_array() { return unnest() && dom_.end_array(); }
    bool parse_error(std::size_t, const std::string&, const SettingJson::exception& e) {
        const std::string what = e.what();
        const size_t bracket = what.find("] ");  // drop "[json.exception.parse_error.101] "
        return fail(bracket == std::string::npos ? what : what.substr(bracket + 2));
    }
    const std::string& error() const { return error_; }

private:
    static constexpr int kMaxDepth = 16;
    bool nest() { return ++depth_ <= kMaxDepth || fail("nested deeper than " + std::to_string(kMaxDepth) + " levels"); }
    bool unnest() { return --depth_, true; }
    bool fail(const std::string& message) {
        if (error_.empty()) error_ = message;
        return false;
    }
    nlohmann::detail::json_sax_dom_parser<SettingJson> dom_;
    std::vector<std::set<std::string>> keys_;
    int depth_ = 0;
    std::string error_;
};

}  // namespace

Status settings_json_parse(const std::string& text, const char* what, SettingJson* out) {
    SettingJson root;
    StrictSax sax(&root);
    if (!SettingJson::sax_parse(text, &sax) || !sax.error().empty())
        return Status::failure(std::string(what) + " is not valid JSON: " + (sax.error().empty() ? "parse error" : sax.error()));
    *out = std::move(root);
    return Status::success();
}

}  // namespace ganvas
