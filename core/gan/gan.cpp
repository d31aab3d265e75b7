// gan.cpp - the training step. See gan.h.
#include "gan/gan.h"

#include <cassert>
#include <chrono>
#include <cmath>

#include "gan/streams.h"
#include "nn/loss.h"

namespace ganvas {

// [SECTION] Training

namespace {
// Adds the seconds since `mark` to `bucket` and moves `mark` to now.
void lap(std::chrono::steady_clock::time_point& mark, double& bucket) {
    const auto now = std::chrono::steady_clock::now();
    bucket += std::chrono::duration<double>(now - mark).count();
    mark = now;
}
}  // namespace

Gan::Gan(const GanConfig& config, uint64_t seed)
    : config_(config),
      seed_(seed),
      g_(generator_layers(config)),
      d_(discriminator_layers(config)),
      noise_rng_(seed, streams::kNoise),
      data_rng_(seed, streams::kData) {
    assert(gan_config_validate(config).ok && "Gan: validate the config first (gan_config_validate)");
    Rng init_rng(seed, streams::kInit);
    sequential_init_default(g_, init_rng);
    sequential_init_default(d_, init_rng);
    adam_g_.reset(g_.params.size());
    adam_d_.reset(d_.params.size());
}

void Gan::draw_step_inputs(const Dataset& data) {
    const int batch = config_.batch_size;
    assert(data.count >= batch && "Gan::train_step: the dataset is smaller than one batch");
    if (sampler_.dataset_count() != data.count || sampler_.batch_size() != batch)
        sampler_ = BatchSampler(data.count, batch);  // a new dataset or batch size: new epochs
    auto mark = std::chrono::steady_clock::now();
    real_.resize(batch, config_.image_pixels);
    z_d_.resize(batch, config_.latent_dim);
    z_g_.resize(batch, config_.latent_dim);
    sampler_.next(data, data_rng_, view_of(real_));
    noise_rng_.fill_normal(z_d_.data(), size_t(z_d_.size()));
    noise_rng_.fill_normal(z_g_.data(), size_t(z_g_.size()));
    lap(mark, timings_.data);
}

StepStats Gan::train_step(const Dataset& data) {
    StepStats stats;
    if (mid_iteration()) {  // finish the iteration train_part() began
        while (!train_part(data, &stats)) {
        }
        return stats;
    }
    draw_step_inputs(data);
    return train_step_with(const_view_of(real_), const_view_of(z_d_), const_view_of(z_g_));
}

bool Gan::train_part(const Dataset& data, StepStats* completed) {
    switch (part_) {
        case 0:
            draw_step_inputs(data);
            pending_ = StepStats{};
            d_step_real(const_view_of(real_), const_view_of(z_d_), pending_);
            break;
        case 1:
            d_step_fake(pending_);
            break;
        case 2:
            g_step_forward(const_view_of(z_g_), pending_);
            break;
        default:
            g_step_backward();
            part_ = 0;
            step_ += 1;
            timings_.steps += 1;
            pending_.step = step_;
            *completed = pending_;
            return true;
    }
    part_ += 1;
    return false;
}

bool Gan::train_half_step(const Dataset& data, StepStats* completed) {
    do {
        if (train_part(data, completed)) return true;
    } while (part_ != 2);  // the D step is done
    return false;
}

StepStats Gan::train_step_with(ConstMatrixView real, ConstMatrixView z_d, ConstMatrixView z_g) {
    const int batch = int(real.rows());
    assert(batch >= 2 && z_d.rows() == batch && z_g.rows() == batch &&
           "Gan::train_step_with: real, z_d and z_g need the same batch size, at least 2 (BatchNorm)");
    assert(real.cols() == config_.image_pixels && z_d.cols() == config_.latent_dim && z_g.cols() == config_.latent_dim &&
           "Gan::train_step_with: real is (N, 784), z_d and z_g are (N, latent)");
    assert(!mid_iteration() && "Gan::train_step_with: finish the iteration train_part() began first");
    StepStats stats;
    d_step_real(real, z_d, stats);
    d_step_fake(stats);
    g_step_forward(z_g, stats);
    g_step_backward();
    step_ += 1;
    timings_.steps += 1;
    stats.step = step_;
    return stats;
}

// D step: real labelled 1, G(z_d) labelled 0; d_loss = (bce_real + bce_fake) / 2.
// First part: the fakes, then D on the real batch.
void Gan::d_step_real(ConstMatrixView real, ConstMatrixView z_d, StepStats& stats) {
    const int batch = int(real.rows());
    const int logit_layers = int(d_.layers.size()) - 1;  // D's Sigmoid is fused into the loss
    d_logit_grad_.resize(batch, 1);
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    fake_ = sequential_forward(g_, g_cache_, z_d, BatchNormMode::Train).data();
    part_batch_ = batch;
    lap(mark, t.g_forward);
    d_.zero_grads();
    const ConstMatrixView logits_real = sequential_forward(d_, d_real_cache_, real, BatchNormMode::Train, logit_layers);
    loss_real_ = bce_with_logits(logits_real.data(), batch, 1.0f, d_logit_grad_.data(), 0.5f);
    stats.d_real = mean_sigmoid(logits_real.data(), batch);
    lap(mark, t.d_forward);
    sequential_backward(d_, d_real_cache_, const_view_of(d_logit_grad_), true, false);
    lap(mark, t.d_backward);
}

// Second part: D on the fakes, then Adam on D.
void Gan::d_step_fake(StepStats& stats) {
    const int batch = part_batch_, logit_layers = int(d_.layers.size()) - 1;
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    const ConstMatrixView fake(fake_, batch, config_.image_pixels);
    const ConstMatrixView logits_fake = sequential_forward(d_, d_fake_cache_, fake, BatchNormMode::Train, logit_layers);
    const float loss_fake = bce_with_logits(logits_fake.data(), batch, 0.0f, d_logit_grad_.data(), 0.5f);
    stats.d_fake = mean_sigmoid(logits_fake.data(), batch);
    lap(mark, t.d_forward);
    sequential_backward(d_, d_fake_cache_, const_view_of(d_logit_grad_), true, false);
    lap(mark, t.d_backward);
    adam_step(adam_d_, config_.adam_d, d_.params.data(), d_.grads.data(), d_.params.size());
    stats.d_loss = 0.5f * (loss_real_ + loss_fake);
    lap(mark, t.optimizer);
}

// G step: g_loss = bce(D(G(z_g)), 1) against the freshly updated D; only D's input gradient
// is computed, never its weight gradients. First part: forward, and D's input gradient.
void Gan::g_step_forward(ConstMatrixView z_g, StepStats& stats) {
    const int batch = int(z_g.rows());
    const int logit_layers = int(d_.layers.size()) - 1;
    d_logit_grad_.resize(batch, 1);
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    const ConstMatrixView fake_g = sequential_forward(g_, g_cache_, z_g, BatchNormMode::Train);
    lap(mark, t.g_forward);
    const ConstMatrixView logits_g = sequential_forward(d_, d_fake_cache_, fake_g, BatchNormMode::Train, logit_layers);
    stats.g_loss = bce_with_logits(logits_g.data(), batch, 1.0f, d_logit_grad_.data(), 1.0f);
    lap(mark, t.d_forward);
    d_fake_input_ = sequential_backward(d_, d_fake_cache_, const_view_of(d_logit_grad_), false, true).data();
    part_batch_ = batch;
    lap(mark, t.d_backward);
}

// Second part: G backward from D's input gradient, then Adam on G.
void Gan::g_step_backward() {
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    const ConstMatrixView d_fake_input(d_fake_input_, part_batch_, config_.image_pixels);
    g_.zero_grads();
    sequential_backward(g_, g_cache_, d_fake_input, true, false);
    lap(mark, t.g_backward);
    adam_step(adam_g_, config_.adam_g, g_.params.data(), g_.grads.data(), g_.params.size());
    lap(mark, t.optimizer);
}

void Gan::set_trainer_state(const TrainerState& state) {
    noise_rng_.set_state(state.noise);
    data_rng_.set_state(state.data);
    sampler_ = BatchSampler(state.sampler, config_.batch_size);
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
