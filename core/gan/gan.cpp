// gan.cpp - the training step. See gan.h.
#include "gan/gan.h"

#include <cassert>
#include <chrono>
#include <cmath>

#include "gan/remedies_noise_ema.h"
#include "gan/sampler.h"
#include "gan/settings.h"
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

Gan::Gan(const GanConfig& config, uint64_t seed) : Gan(recipe_of(config, seed)) {}

Gan::Gan(const Recipe& recipe)
    : recipe_(recipe),
      config_(recipe.config),
      objective_(objective_find(recipe.config.objective)),
      seed_(recipe.seed),
      g_(generator_layers(recipe.config)),
      d_(discriminator_layers(recipe.config)),
      noise_rng_(recipe.seed, streams::kNoise),
      data_rng_(recipe.seed, streams::kData) {
    assert(gan_config_validate(config_).ok && objective_ && config_.d_steps >= 1 &&
           "Gan: validate the config first (gan_config_validate)");
    Rng init_rng(seed_, streams::kInit);
    sequential_init_default(g_, init_rng);
    sequential_init_default(d_, init_rng);
    if (config_.spectral_norm) discriminator_init_spectral(d_, seed_);
    adam_g_.reset(g_.params.size());
    adam_d_.reset(d_.params.size());
    sync_ema();
    follow_recipe();  // changes at step 0
}

void Gan::draw_d_inputs(const Dataset& data) {
    const int batch = config_.batch_size;
    assert(data.count >= batch && "Gan::train_step: the dataset is smaller than one batch");
    if (sampler_.dataset_count() != data.count || sampler_.batch_size() != batch)
        sampler_ = BatchSampler(data.count, batch);  // a new dataset or batch size: new epochs
    auto mark = std::chrono::steady_clock::now();
    real_.resize(batch, config_.image_pixels);
    z_d_.resize(batch, config_.latent_dim);
    sampler_.next(data, data_rng_, view_of(real_));
    noise_rng_.fill_normal(z_d_.data(), size_t(z_d_.size()));
    lap(mark, timings_.data);
}

void Gan::draw_g_inputs() {
    auto mark = std::chrono::steady_clock::now();
    z_g_.resize(config_.batch_size, config_.latent_dim);
    noise_rng_.fill_normal(z_g_.data(), size_t(z_g_.size()));
    lap(mark, timings_.data);
}

StepStats Gan::train_step(const Dataset& data) {
    StepStats stats;
    while (!train_part(data, &stats)) {
    }
    return stats;
}

bool Gan::train_part(const Dataset& data, StepStats* completed) {
    if (part_ == 0) {
        if (step_ == 0) do_recipe_updates(data);  // the recipe's lone updates before iteration 1
        pending_ = StepStats{};
    }
    const int g_part = kPartsPerPhase * config_.d_steps;
    if (part_ < g_part) {
        if (part_ % kPartsPerPhase == 0) {
            draw_d_inputs(data);
            d_step_real(const_view_of(real_), const_view_of(z_d_), pending_);
        } else {
            d_step_fake(pending_);
        }
    } else if (part_ == g_part) {
        draw_g_inputs();
        g_step_forward(const_view_of(z_g_), pending_);
    } else {
        g_step_backward();
        part_ = 0;
        step_ += 1;
        timings_.steps += 1;
        follow_recipe();
        lone_d_at_step_ = 0;
        do_recipe_updates(data);
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
    } while (part_ % kPartsPerPhase != 0);  // a D step is done
    return false;
}

void Gan::lone_update(char kind, const Dataset& data, StepStats& stats) {
    if (kind == 'd') {
        draw_d_inputs(data);
        d_step_real(const_view_of(real_), const_view_of(z_d_), stats);
        d_step_index_ = config_.d_steps + lone_d_at_step_;  // its own penalty eps, not the next D step's
        d_step_fake(stats);
        ++lone_d_at_step_;
        ++lone_d_;
    } else {
        draw_g_inputs();
        g_step_forward(const_view_of(z_g_), stats);
        g_step_backward();
        ++lone_g_;
    }
}

void Gan::do_recipe_updates(const Dataset& data) {
    size_t seen = 0;
    for (const RecipeChange& c : recipe_.timeline) {
        if (!c.is_update()) continue;
        if (seen++ < updates_done_ || c.step != step_) continue;
        StepStats ignored;
        lone_update(c.update_kind(), data, ignored);
        ++updates_done_;
    }
}

Status Gan::train_alone(char kind, const Dataset& data, StepStats* stats) {
    if (mid_iteration()) return Status::failure("a lone update comes between iterations: finish this one first");
    if (data.count < config_.batch_size)
        return Status::failure(std::to_string(data.count) + " images are fewer than one batch of " + std::to_string(config_.batch_size));
    if (step_ == 0) do_recipe_updates(data);  // the recipe's own ones come first
    Recipe next = recipe_;
    if (Status s = recipe_add_update(&next, step_, kind); !s) return s;
    recipe_ = std::move(next);
    StepStats done;
    lone_update(kind, data, done);
    ++updates_done_;
    done.step = step_;
    *stats = done;
    return Status::success();
}

StepStats Gan::train_step_with(ConstMatrixView real, ConstMatrixView z_d, ConstMatrixView z_g) {
    const int batch = int(real.rows());
    assert(batch >= 2 && z_d.rows() == batch && z_g.rows() == batch &&
           "Gan::train_step_with: real, z_d and z_g need the same batch size, at least 2 (BatchNorm)");
    assert(real.cols() == config_.image_pixels && z_d.cols() == config_.latent_dim && z_g.cols() == config_.latent_dim &&
           "Gan::train_step_with: real is (N, 784), z_d and z_g are (N, latent)");
    assert(!mid_iteration() && "Gan::train_step_with: finish the iteration train_part() began first");
    assert(config_.d_steps == 1 && "Gan::train_step_with: given inputs make one D step");
    StepStats stats;
    d_step_real(real, z_d, stats);
    d_step_fake(stats);
    g_step_forward(z_g, stats);
    g_step_backward();
    step_ += 1;
    timings_.steps += 1;
    follow_recipe();
    stats.step = step_;
    return stats;
}

// D step, first part: the fakes G(z_d), then D on the real batch, whose loss gradient is
// D's first contribution to its weight gradients.
void Gan::d_step_real(ConstMatrixView real, ConstMatrixView z_d, StepStats& stats) {
    const int batch = int(real.rows());
    d_logit_grad_.resize(batch, 1);
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    fake_ = sequential_forward(g_, g_cache_, z_d, BatchNormMode::Train).data();
    d_step_index_ = part_ / kPartsPerPhase;
    real_batch_ = noisy(real.data(), batch, d_step_index_, 0, noisy_real_);  // real.data() when off
    fake_ = noisy(fake_, batch, d_step_index_, 1, noisy_fake_);
    part_batch_ = batch;
    lap(mark, t.g_forward);
    d_.zero_grads();
    const ConstMatrixView logits_real = sequential_forward(d_, d_real_cache_, ConstMatrixView(real_batch_, batch, real.cols()),
                                                           BatchNormMode::Train);
    loss_real_ = objective_->d_real(logits_real.data(), batch, d_logit_grad_.data(), objective_params());
    stats.d_real = mean_sigmoid(logits_real.data(), batch);
    lap(mark, t.d_forward);
    sequential_backward(d_, d_real_cache_, const_view_of(d_logit_grad_), true, false);
    lap(mark, t.d_backward);
}

// D step, second part: D on the fakes, adding to D's gradients; the penalties add theirs; then
// Adam on D.
void Gan::d_step_fake(StepStats& stats) {
    const int batch = part_batch_;
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    const ConstMatrixView fake(fake_, batch, config_.image_pixels);
    const ConstMatrixView logits_fake = sequential_forward(d_, d_fake_cache_, fake, BatchNormMode::Train);
    const float loss_fake = objective_->d_fake(logits_fake.data(), batch, d_logit_grad_.data(), objective_params());
    stats.d_fake = mean_sigmoid(logits_fake.data(), batch);
    lap(mark, t.d_forward);
    sequential_backward(d_, d_fake_cache_, const_view_of(d_logit_grad_), true, false);
    stats.d_penalty = 0;
    if (objective_->gradient_penalty && config_.gp_lambda > 0) {
        penalty_eps_.resize(size_t(batch));
        penalty_eps(seed_, step_, d_step_index_, batch, penalty_eps_.data());
        const ConstMatrixView real(real_batch_, batch, config_.image_pixels);
        stats.d_penalty += wgan_gp_penalty(d_, real, fake, penalty_eps_.data(), config_.gp_lambda, penalty_cache_);
    }
    if (config_.r1_gamma > 0) stats.d_penalty += r1_penalty(d_, d_real_cache_, config_.r1_gamma, penalty_cache_);
    lap(mark, t.d_backward);
    adam_step(adam_d_, config_.adam_d, d_.params.data(), d_.grads.data(), d_.params.size());
    stats.d_loss = loss_real_ + loss_fake + stats.d_penalty;
    lap(mark, t.optimizer);
}

// G step, first part: G(z_g) and D's logits on it against the freshly updated D; only D's
// input gradient is computed, never its weight gradients.
void Gan::g_step_forward(ConstMatrixView z_g, StepStats& stats) {
    const int batch = int(z_g.rows());
    d_logit_grad_.resize(batch, 1);
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    const float* g_out = sequential_forward(g_, g_cache_, z_g, BatchNormMode::Train).data();
    const ConstMatrixView fake_g(noisy(g_out, batch, kInstanceNoisePhaseG, 0, noisy_fake_), batch, config_.image_pixels);
    lap(mark, t.g_forward);
    const ConstMatrixView logits_g = sequential_forward(d_, d_fake_cache_, fake_g, BatchNormMode::Train);
    stats.g_loss = objective_->g(logits_g.data(), batch, d_logit_grad_.data(), objective_params());
    lap(mark, t.d_forward);
    d_fake_input_ = sequential_backward(d_, d_fake_cache_, const_view_of(d_logit_grad_), false, true).data();
    part_batch_ = batch;
    lap(mark, t.d_backward);
}

// G step, second part: G backward from D's input gradient, then Adam on G.
void Gan::g_step_backward() {
    StepTimings& t = timings_;
    auto mark = std::chrono::steady_clock::now();
    const ConstMatrixView d_fake_input(d_fake_input_, part_batch_, config_.image_pixels);
    g_.zero_grads();
    sequential_backward(g_, g_cache_, d_fake_input, true, false);
    lap(mark, t.g_backward);
    adam_step(adam_g_, config_.adam_g, g_.params.data(), g_.grads.data(), g_.params.size());
    if (generator_ema()) ema_update(g_ema_, g_, ema_decay_at(config_.ema_decay, ema_updates_++));
    lap(mark, t.optimizer);
}

const float* Gan::noisy(const float* x, int rows, int phase, int which, Matrix& out) {
    if (config_.instance_noise <= 0) return x;  // off: nothing drawn, nothing copied
    const float sigma = instance_noise_sigma(recipe_, config_, step_);
    if (sigma <= 0) return x;
    const size_t n = size_t(rows) * size_t(config_.image_pixels);
    // Phase draws: the real batch's n normals then the fakes' n (D steps); the fakes' (G step).
    if (which == 0) {
        noise_unit_.resize(phase == kInstanceNoisePhaseG ? n : 2 * n);
        instance_noise_draw(seed_, step_, phase, noise_unit_.data(), noise_unit_.size());
    }
    out.resize(rows, config_.image_pixels);
    instance_noise_add(x, noise_unit_.data() + size_t(which) * n, sigma, out.data(), n);
    return out.data();
}

void Gan::sync_ema() {
    if (config_.ema_decay > 0 && !generator_ema()) {
        g_ema_ = g_;  // switched on: the average starts at G's current weights
        g_ema_.grads.clear();
        g_ema_.grads.shrink_to_fit();
        ema_updates_ = 0;
    } else if (config_.ema_decay <= 0 && generator_ema()) {
        g_ema_ = Sequential{};
        ema_updates_ = 0;
    }
}

Status Gan::set_config(const GanConfig& next) {
    const Status valid = gan_config_validate(next);  // the table: ranges, and the objective's name
    if (!valid) return valid;
    for (const Setting& setting : settings_list())   // what the table calls reset-only stays
        if (setting.scope == SettingScope::Reset && settings_get_text(next, setting) != settings_get_text(config_, setting))
            return Status::failure(setting.key + " is reset-only: it applies on reset, with a new model");
    if (mid_iteration()) return Status::failure("settings change between iterations: finish this one first");
    config_ = next;
    objective_ = objective_find(next.objective);
    sync_ema();
    return Status::success();
}

void Gan::follow_recipe() {
    bool changes_now = false;
    for (const RecipeChange& c : recipe_.timeline) changes_now = changes_now || c.step == step_;
    if (!changes_now) return;
    const Status s = set_config(recipe_config_at(recipe_, step_));
    assert(s.ok && "Gan: a recipe's timeline changes live settings only (recipe_add_change checks)");
    (void)s;
}

Status Gan::change_setting(const std::string& key, const std::string& text) {
    if (mid_iteration()) return Status::failure("settings change between iterations: finish this one first");
    Recipe next = recipe_;
    Status s = recipe_add_change(&next, step_, key, text);
    if (s) s = set_config(recipe_config_at(next, step_));
    if (s) recipe_ = std::move(next);
    return s;
}

void Gan::set_step(int64_t step) {
    step_ = step;
    // A checkpoint at `step` holds the lone updates up to and including that step's.
    updates_done_ = 0;
    lone_d_ = lone_g_ = 0;
    lone_d_at_step_ = 0;
    for (const RecipeChange& c : recipe_.timeline) {
        if (!c.is_update() || c.step > step) continue;
        ++updates_done_;
        ++(c.update_kind() == 'd' ? lone_d_ : lone_g_);
        if (c.step == step && c.update_kind() == 'd') ++lone_d_at_step_;
    }
    const Status s = set_config(recipe_config_at(recipe_, step));
    assert(s.ok && "Gan::set_step: the recipe's config at that step is invalid");
    (void)s;
}

Status Gan::rewind(const Recipe& recipe, int64_t step) {
    if (recipe.seed != seed_) return Status::failure("the recipe is another run's (another seed)");
    const int begun = part_;
    part_ = 0;  // a begun iteration is abandoned: its next part starts afresh
    const Status s = set_config(recipe_config_at(recipe, step));
    if (!s) {
        part_ = begun;
        return s;
    }
    recipe_ = recipe;
    set_step(step);  // the lone updates the recipe holds up to that step, counted again
    pending_ = StepStats{};
    return Status::success();
}

void Gan::set_trainer_state(const TrainerState& state) {
    noise_rng_.set_state(state.noise);
    data_rng_.set_state(state.data);
    sampler_ = BatchSampler(state.sampler, config_.batch_size);
}

void Gan::generate(ConstMatrixView z, MatrixView images, BatchNormMode mode) {
    sample_images(sample_generator(), g_preview_cache_, z, images, mode);
}

void Gan::discriminate(ConstMatrixView images, float* probabilities) {
    const ConstMatrixView logits = sequential_forward(d_, d_preview_cache_, images, BatchNormMode::Eval);
    for (Eigen::Index i = 0; i < logits.rows(); ++i) probabilities[i] = sigmoid_of_logit(logits(i, 0));
}

}  // namespace ganvas
