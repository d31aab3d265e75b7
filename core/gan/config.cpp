// config.cpp - the training config's presets. See config.h; validation and JSON come from the
// settings table (settings.cpp). A preset is the seed's config with a few settings changed, one
// line each below, so its whole difference from the seed is readable (and printed by --help).
#include "gan/config.h"

#include <sstream>

#include "gan/settings.h"

namespace ganvas {

namespace {

struct PresetLine {
    const char* name;
    const char* changes;  // "key=value key=value" onto the seed's config (settings_set_assignment)
    const char* summary;
};
const PresetLine kPresets[] = {
    {"seed", "", "the user's PyTorch program"},
};

const PresetLine* find_preset(const std::string& name) {
    for (const PresetLine& p : kPresets)
        if (name == p.name) return &p;
    return nullptr;
}

}  // namespace

bool gan_config_preset(const std::string& name, GanConfig* out) {
    const PresetLine* preset = find_preset(name);
    if (preset == nullptr) return false;
    GanConfig config;  // the defaults are the seed's program
    std::istringstream words(preset->changes);
    std::string assignment;
    while (words >> assignment)
        if (!settings_set_assignment(&config, assignment)) return false;  // tests/test_settings.cpp: never
    *out = config;
    return true;
}

std::vector<std::string> gan_config_preset_names() {
    std::vector<std::string> names;
    for (const PresetLine& p : kPresets) names.push_back(p.name);
    return names;
}

std::string gan_config_preset_changes(const std::string& name) {
    const PresetLine* preset = find_preset(name);
    return preset != nullptr ? preset->changes : "";
}

std::string gan_config_preset_summary(const std::string& name) {
    const PresetLine* preset = find_preset(name);
    return preset != nullptr ? preset->summary : "";
}

}  // namespace ganvas
