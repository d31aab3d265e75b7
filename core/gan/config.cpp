// config.cpp - the training config's presets. See config.h; validation and JSON come from the
// settings table (settings.cpp).
#include "gan/config.h"

namespace ganvas {

bool gan_config_preset(const std::string& name, GanConfig* out) {
    if (name == "seed") {
        *out = GanConfig{};  // the defaults are the seed's program
        return true;
    }
    return false;
}

std::vector<std::string> gan_config_preset_names() { return {"seed"}; }

}  // namespace ganvas
