// config.h - what a training run is set up with: sizes, slopes, batch, optimisers.
// Each member is one entry of the settings table (gan/settings.h): its range, help text and
// JSON key live there; the member's initialiser here is its default (the seed's program).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "nn/adam.h"

namespace ganvas {

struct GanConfig {
    // The networks' kind (gan/networks.h): "mlp", the seed's fully connected pair, or "dcgan",
    // transposed convolutions in G and strided convolutions in D, where g_hidden and d_hidden
    // are channel counts (G's from its first maps down, D's from its first convolution up).
    std::string arch = "mlp";
    int latent_dim = 100;
    std::vector<int> g_hidden = {128, 256, 512};  // widths; BatchNorm after all but the first
    bool g_batchnorm = true;                      // false: G without its BatchNorm1d layers
    std::vector<int> d_hidden = {512, 256};
    int image_pixels = 784;
    float leaky_slope = 0.2f;
    int batch_size = 64;
    AdamConfig adam_g, adam_d;  // the seed: lr 2e-4, betas (0.5, 0.999), eps 1e-8 for both
    int d_steps = 1;                 // D steps per G step (each on its own real batch and z)
    std::string objective = "bce";   // the GAN objective, one of objective_names() (objective.h)
    // Remedies (issue 10), each off by default (the seed's program); gan/penalty.h.
    float gp_lambda = 10.0f;  // wgan-gp: weight of the gradient penalty on interpolates
    float r1_gamma = 0.0f;    // weight of the R1 penalty on real data, gamma/2 mean |grad D|^2; 0 = off
    float real_label = 1.0f;  // D's target for real samples: one-sided label smoothing below 1 (1 = off)
    // gan/remedies_noise_ema.h: instance noise on D's inputs, and an EMA of G for samples.
    float instance_noise = 0.0f;    // sigma of N(0, sigma^2) on D's inputs at the anneal's start; 0 = off
    int instance_noise_steps = 0;   // iterations of the linear anneal to 0 (0 = constant sigma)
    float ema_decay = 0.0f;         // decay of the EMA of G's weights that samples come from; 0 = off
    bool spectral_norm = false;     // D's Linear layers spectrally normalised (layers/spectral_linear.cpp)
    bool minibatch_stddev = false;  // ProGAN's batch-stddev feature into D's last Linear (gan/networks.cpp)
};

// Named presets (config.cpp, one line each): "seed" is the user's PyTorch program. Returns false
// for an unknown name.
bool gan_config_preset(const std::string& name, GanConfig* out);
std::vector<std::string> gan_config_preset_names();  // "seed" first
// What a preset changes from the seed ("adam_g.lr=0.001 ..."; "" for the seed or an unknown name),
// and one line for people.
std::string gan_config_preset_changes(const std::string& name);
std::string gan_config_preset_summary(const std::string& name);

// Derived from the settings table (gan/settings.h, implemented in settings.cpp):
// Rejects settings the core cannot train with, with the setting's key and a reason.
Status gan_config_validate(const GanConfig& config);
// The config as one line of JSON, keys in the table's order, dotted keys as nested objects
// ({"adam_g": {"lr": 0.0002, ...}}), floats as the shortest text that reads back bit for bit.
std::string gan_config_to_json(const GanConfig& config);
// Reads what gan_config_to_json writes. Absent keys keep the seed's values; unknown keys,
// wrong types and values out of range are errors naming the key. On error *out is unchanged.
// (gan_config_apply_json in settings.h reads onto a config instead of onto the seed's.)
Status gan_config_from_json(const std::string& json, GanConfig* out);

}  // namespace ganvas
