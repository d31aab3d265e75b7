// gan.cpp - presets, the seed's networks and the training step. See gan.h.
#include "gan.h"

#include <cassert>
#include <cmath>
#include <sstream>

#include "loss.h"

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

// [SECTION] Networks

std::vector<LayerSpec> generator_layers(const GanConfig& c) {
    // Linear(latent, h0), LeakyReLU, then per further width: Linear, BatchNorm1d, LeakyReLU;
    // finally Linear(h_last, 784), Tanh. For the seed: indices 0..9 as in SEED.md.
    std::vector<LayerSpec> layers;
    int width = c.latent_dim;
    for (size_t i = 0; i < c.g_hidden.size(); ++i) {
        layers.push_back(LayerSpec::linear(width, c.g_hidden[i]));
        if (i > 0) layers.push_back(LayerSpec::batchnorm(c.g_hidden[i]));
        layers.push_back(LayerSpec::leaky_relu(c.leaky_slope));
        width = c.g_hidden[i];
    }
    layers.push_back(LayerSpec::linear(width, c.image_pixels));
    layers.push_back(LayerSpec::tanh());
    return layers;
}

std::vector<LayerSpec> discriminator_layers(const GanConfig& c) {
    // Per width: Linear, LeakyReLU; then Linear(h_last, 1), Sigmoid. Seed: indices 0..5.
    std::vector<LayerSpec> layers;
    int width = c.image_pixels;
    for (int h : c.d_hidden) {
        layers.push_back(LayerSpec::linear(width, h));
        layers.push_back(LayerSpec::leaky_relu(c.leaky_slope));
        width = h;
    }
    layers.push_back(LayerSpec::linear(width, 1));
    layers.push_back(LayerSpec::sigmoid());
    return layers;
}

// [SECTION] Training

Gan::Gan(const GanConfig& config, uint64_t seed)
    : config_(config),
      seed_(seed),
      g_(generator_layers(config)),
      d_(discriminator_layers(config)),
      noise_rng_(seed, 1),
      data_rng_(seed, 2) {
    assert(gan_config_validate(config).ok && "Gan: validate the config first (gan_config_validate)");
    Rng init_rng(seed, 3);
    sequential_init_default(g_, init_rng);
    sequential_init_default(d_, init_rng);
    adam_g_.reset(g_.params.size());
    adam_d_.reset(d_.params.size());
}

StepStats Gan::train_step(const Dataset& data) {
    const int batch = config_.batch_size;
    assert(data.count >= batch && "Gan::train_step: the dataset is smaller than one batch");
    const int logit_layers = int(d_.layers.size()) - 1;  // D's Sigmoid is fused into the loss
    if (sampler_.dataset_count() != data.count || sampler_.batch_size() != batch)
        sampler_ = BatchSampler(data.count, batch);  // a new dataset or batch size: new epochs
    real_.resize(batch, config_.image_pixels);
    z_.resize(batch, config_.latent_dim);
    d_logit_grad_.resize(batch, 1);
    StepStats stats;

    // D step: real labelled 1, G(z) labelled 0; d_loss = (bce_real + bce_fake) / 2.
    sampler_.next(data, data_rng_, view_of(real_));
    noise_rng_.fill_normal(z_.data(), size_t(z_.size()));
    const ConstMatrixView fake = sequential_forward(g_, g_cache_, const_view_of(z_), BatchNormMode::Train);
    d_.zero_grads();
    const ConstMatrixView logits_real =
        sequential_forward(d_, d_real_cache_, const_view_of(real_), BatchNormMode::Train, logit_layers);
    const float loss_real = bce_with_logits(logits_real.data(), batch, 1.0f, d_logit_grad_.data(), 0.5f);
    stats.d_real = mean_sigmoid(logits_real.data(), batch);
    sequential_backward(d_, d_real_cache_, const_view_of(d_logit_grad_), true, false);
    const ConstMatrixView logits_fake = sequential_forward(d_, d_fake_cache_, fake, BatchNormMode::Train, logit_layers);
    const float loss_fake = bce_with_logits(logits_fake.data(), batch, 0.0f, d_logit_grad_.data(), 0.5f);
    stats.d_fake = mean_sigmoid(logits_fake.data(), batch);
    sequential_backward(d_, d_fake_cache_, const_view_of(d_logit_grad_), true, false);
    adam_step(adam_d_, config_.adam_d, d_.params.data(), d_.grads.data(), d_.params.size());
    stats.d_loss = 0.5f * (loss_real + loss_fake);

    // G step: fresh z; g_loss = bce(D(G(z)), 1); only D's input gradient is computed.
    noise_rng_.fill_normal(z_.data(), size_t(z_.size()));
    const ConstMatrixView fake_g = sequential_forward(g_, g_cache_, const_view_of(z_), BatchNormMode::Train);
    const ConstMatrixView logits_g = sequential_forward(d_, d_fake_cache_, fake_g, BatchNormMode::Train, logit_layers);
    stats.g_loss = bce_with_logits(logits_g.data(), batch, 1.0f, d_logit_grad_.data(), 1.0f);
    const ConstMatrixView d_fake_input = sequential_backward(d_, d_fake_cache_, const_view_of(d_logit_grad_), false, true);
    g_.zero_grads();
    sequential_backward(g_, g_cache_, d_fake_input, true, false);
    adam_step(adam_g_, config_.adam_g, g_.params.data(), g_.grads.data(), g_.params.size());

    step_ += 1;
    stats.step = step_;
    return stats;
}

void Gan::generate(ConstMatrixView z, MatrixView images, BatchNormMode mode) {
    assert(z.cols() == config_.latent_dim && images.rows() == z.rows() && images.cols() == config_.image_pixels &&
           "Gan::generate: z is (N, latent) and images (N, 784)");
    images = sequential_forward(g_, g_preview_cache_, z, mode);
}

void Gan::discriminate(ConstMatrixView images, float* probabilities) {
    const ConstMatrixView p = sequential_forward(d_, d_preview_cache_, images, BatchNormMode::Eval);
    for (Eigen::Index i = 0; i < p.rows(); ++i) probabilities[i] = p(i, 0);
}

}  // namespace ganvas
