// gan.h - the seed's GAN and its training step.
//
// A Gan owns a generator G (z -> image) and a discriminator D (image -> logit), one Adam
// per network, its random streams and every buffer a step needs. train_step() is the
// seed's loop body:
//   D step: x = real batch, z ~ N(0,1), fake = G(z) (no gradient into G),
//           d_loss = (BCE(D(x), 1) + BCE(D(fake), 0)) / 2, Adam on D;
//   G step: fresh z, g_loss = BCE(D(G(z)), 1) (non-saturating), gradient flows through D
//           into G - D's weight gradients are never computed - then Adam on G.
// Both networks stay in training mode (BatchNorm uses batch statistics and updates its
// running statistics on every G forward, exactly as PyTorch's train()).
// After the first step at a given batch size, a step performs no heap allocation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adam.h"
#include "dataset.h"
#include "model.h"
#include "rng.h"
#include "status.h"

namespace ganvas {

struct GanConfig {
    int latent_dim = 100;
    std::vector<int> g_hidden = {128, 256, 512};  // widths; BatchNorm after all but the first
    std::vector<int> d_hidden = {512, 256};
    int image_pixels = 784;
    float leaky_slope = 0.2f;
    int batch_size = 64;
    AdamConfig adam_g, adam_d;  // the seed: lr 2e-4, betas (0.5, 0.999), eps 1e-8 for both
};

// Named presets. "seed" is the user's PyTorch program. Returns false for an unknown name.
bool gan_config_preset(const std::string& name, GanConfig* out);
std::vector<std::string> gan_config_preset_names();
// Rejects settings the core cannot train with, with a reason (absurd sizes, rates...).
Status gan_config_validate(const GanConfig& config);
// The config as one line of JSON (stored in checkpoints).
std::string gan_config_to_json(const GanConfig& config);

// The seed's networks, layer for layer (PyTorch nn.Sequential indices).
std::vector<LayerSpec> generator_layers(const GanConfig& config);
std::vector<LayerSpec> discriminator_layers(const GanConfig& config);

struct StepStats {
    int64_t step = 0;     // steps completed, counting this one
    float d_loss = 0, g_loss = 0;
    float d_real = 0;     // mean D(x) on the real batch, a probability
    float d_fake = 0;     // mean D(G(z)) during the D step
};

class Gan {
public:
    // config must pass gan_config_validate.
    Gan(const GanConfig& config, uint64_t seed);

    // One D step then one G step on the next batch of data (data.count >= batch_size).
    StepStats train_step(const Dataset& data);

    // Images (N, 784) in [-1, 1] from z (N, latent). Train/TrainNoUpdate need N >= 2.
    void generate(ConstMatrixView z, MatrixView images, BatchNormMode mode);
    // Probabilities (N) that D gives the images.
    void discriminate(ConstMatrixView images, float* probabilities);

    const GanConfig& config() const { return config_; }
    uint64_t seed() const { return seed_; }
    int64_t step() const { return step_; }
    int64_t epoch() const { return sampler_.epoch(); }
    Sequential& generator() { return g_; }
    Sequential& discriminator() { return d_; }
    const Sequential& generator() const { return g_; }
    const Sequential& discriminator() const { return d_; }
    AdamState& adam_g() { return adam_g_; }
    AdamState& adam_d() { return adam_d_; }
    const AdamState& adam_g() const { return adam_g_; }
    const AdamState& adam_d() const { return adam_d_; }
    void set_step(int64_t step) { step_ = step; }

private:
    GanConfig config_;
    uint64_t seed_;
    int64_t step_ = 0;
    Sequential g_, d_;
    AdamState adam_g_, adam_d_;
    Rng noise_rng_, data_rng_;
    BatchSampler sampler_;
    // Step buffers, reused every step.
    Matrix real_, z_, d_logit_grad_;
    SequentialCache g_cache_, d_real_cache_, d_fake_cache_;
    // generate()/discriminate() caches, kept apart from training's.
    SequentialCache g_preview_cache_, d_preview_cache_;
};

}  // namespace ganvas
