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
    // G 5x the seed's learning rate, D 1/20: G settles on the digit D likes best and D is too slow
    // to push it off (one digit, an 8, from step ~1,000 to 3,120: README "Mode collapse and instability").
    {"collapse", "adam_g.lr=0.001 adam_d.lr=0.00001", "mode collapse: a fast G and a slow D, every sample one digit"},
    // Both learning rates 50x the seed's: the steps overshoot, FD swings between 450 and 650 and
    // G keeps jumping between 1 and 3 digits.
    {"unstable", "adam_g.lr=0.01 adam_d.lr=0.01", "instability: learning rates 50x the seed's, nothing settles"},
    // Learning rates 5x the seed's (FD falls faster) with an EMA of G's weights for the samples
    // (averages out the fast steps' noise); each part alone is a row of the README table.
    {"stable", "adam_g.lr=0.001 adam_d.lr=0.001 ema_decay=0.999", "the best recipe measured: 5x learning rates and an EMA of G"},
    // The deep convolutional GAN (gan/networks.h): G upsamples 7x7 maps of 64 channels to 14x14 of 32
    // and to the 28x28 image; D mirrors it with 32 and 64 channels (2.7 GFLOP per step at batch 64).
    // Hinge loss, G's learning rate 10x the seed's and D's 5x, samples from an EMA of G: at 3,120
    // steps FD 38.7 against the seed's 62.1 (README "A DCGAN"); each part was measured alone there.
    {"dcgan", "arch=dcgan g_hidden=64,32 d_hidden=32,64 objective=hinge adam_g.lr=0.002 adam_d.lr=0.001 ema_decay=0.999",
     "a deep convolutional GAN: transposed convolutions in G, strided ones in D"},
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
