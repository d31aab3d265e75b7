// gan.h - the seed's GAN and its training step.
//
// A Gan owns a generator G (z -> image) and a discriminator D (image -> logit: D ends in a
// Linear layer), one Adam per network, its random streams (gan/streams.h) and every buffer a
// step needs. An iteration is config.d_steps D steps, then one G step, with the config's
// objective (gan/objective.h: the seed's is "bce"):
//   D step: x = a real batch, z ~ N(0,1), fake = G(z) (no gradient into G);
//           loss_D = d_real(D(x)) + d_fake(D(fake)); Adam on D;
//   G step: fresh z, loss_G = g(D(G(z))); the gradient flows through D into G - D's weight
//           gradients are never computed - then Adam on G.
// With d_steps 1 and "bce" this is the seed's loop body, bit for bit as before.
// Penalties on D (gan/penalty.h: WGAN-GP's gradient penalty when the objective is "wgan-gp"
// and gp_lambda > 0, R1 when r1_gamma > 0) add their gradients to D's after the fake half of a
// D step and before D's Adam (d_step_fake); their values are part of loss_D. An EMA of G's
// weights would be another Sequential that sampling is given (sample_generator, gan/sampler.h).
// Both networks stay in training mode (BatchNorm uses batch statistics and updates its
// running statistics on every G forward, exactly as PyTorch's train()).
// After the first step at a given batch size, a step performs no heap allocation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gan/config.h"
#include "gan/networks.h"
#include "gan/objective.h"
#include "gan/penalty.h"
#include "gan/recipe.h"
#include "io/dataset.h"
#include "nn/adam.h"
#include "nn/model.h"
#include "base/rng.h"
#include "base/status.h"

namespace ganvas {

// Seconds spent per phase of train_step, summed since the last reset_timings().
struct StepTimings {
    double data = 0;         // assembling the real batch and drawing z
    double g_forward = 0;    // G(z), both steps
    double d_forward = 0;    // D on real and fake batches, and in the G step
    double d_backward = 0;   // D's weight gradients (D step) and input gradients (G step)
    double g_backward = 0;   // G's weight gradients
    double optimizer = 0;    // both Adam updates
    int64_t steps = 0;
};


struct StepStats {
    int64_t step = 0;     // steps completed, counting this one
    float d_loss = 0, g_loss = 0;
    float d_real = 0;     // mean D(x) = sigmoid(logit) on the real batch, a probability
    float d_fake = 0;     // mean D(G(z)) during the D step
    float d_penalty = 0;  // the penalties' part of d_loss (0 when none is on)
    // With several D steps per iteration, d_loss, d_real and d_fake are the last D step's.
};

// Besides weights and Adam state, all that decides the next training steps: the random
// streams and where the data sampler is. Checkpoints store it so a loaded run continues exactly.
struct TrainerState {
    RngState noise, data;
    BatchSamplerState sampler;
};

class Gan {
public:
    // config must pass gan_config_validate.
    Gan(const GanConfig& config, uint64_t seed);
    // A run made by a recipe (gan/recipe.h): Gan(recipe.config, recipe.seed), and once S
    // iterations are done the timeline's changes at step S apply (before iteration S + 1), so
    // config() is always recipe_config_at(recipe(), step()). recipe.config must be valid and the
    // timeline as recipe_add_change builds it (live settings only).
    explicit Gan(const Recipe& recipe);
    // Not copyable: between the parts of an iteration it holds pointers into its own caches
    // (a copy's would point into the original's). Moving is safe: the pointers are into heap
    // buffers, which a move hands over.
    Gan(const Gan&) = delete;
    Gan& operator=(const Gan&) = delete;
    Gan(Gan&&) = default;
    Gan& operator=(Gan&&) = default;

    // One iteration on the next batches of data (data.count >= batch_size): per D step a real
    // batch and its z, then the G step's z; all drawn from the Gan's own streams.
    StepStats train_step(const Dataset& data);
    // One D step then one G step on given inputs (config().d_steps must be 1): real (N, 784)
    // labelled real; z_d (N, latent) makes the D step's fakes, z_g (N, latent) the G step's.
    // N >= 2, the same for all three (it may differ from config().batch_size).
    StepStats train_step_with(ConstMatrixView real, ConstMatrixView z_d, ConstMatrixView z_g);

    // The same iteration in parts_per_iteration() calls, for callers that must bound the time
    // of one call (the one-thread page trains inside ~16 ms frames; a whole step takes ~20 ms
    // in wasm). Per D step two parts, then two for the G step:
    //   D part 1  draws the D step's real batch and z; G(z); D forward and backward on the
    //             real batch
    //   D part 2  D forward and backward on the fakes; Adam on D (this D step is done)
    //   G part 1  draws z; G(z); D forward on it and D's input gradient
    //   G part 2  G backward; Adam on G; returns true with the iteration's stats in *completed
    // Any mix of train_step(), train_half_step() and train_part() gives the bits that
    // train_step() alone gives: the parts are the same operations in the same order.
    static constexpr int kPartsPerPhase = 2;
    int parts_per_iteration() const { return kPartsPerPhase * (config_.d_steps + 1); }
    bool train_part(const Dataset& data, StepStats* completed);
    // Parts up to the end of the current phase (one D step, or the G step): with one D step,
    // the first call runs the D step, the second the G step, completing the iteration (true,
    // stats in *completed).
    bool train_half_step(const Dataset& data, StepStats* completed);
    // True when the next part begins the G step (every D step of the iteration is done).
    bool at_g_step() const { return part_ == kPartsPerPhase * config_.d_steps; }
    // Parts of the current iteration done (0: none; the model is between iterations).
    int parts_done() const { return part_; }
    // True inside an iteration (some parts done, not all).
    bool mid_iteration() const { return part_ != 0; }

    // Lone updates (recipe.h: Step D / Step G): one D step ('d': a real batch and z from the
    // run's streams, Adam on D) or one G step ('g': fresh z, Adam on G) now, not counted as an
    // iteration, and recorded in the recipe at the current step, so a replay does it too (the
    // run does the recipe's lone updates at step S right after iteration S, or before the
    // first iteration for S = 0). *stats gets the update's figures (d_loss, d_real, d_fake for
    // D; g_loss for G; step = step()). Refused, nothing changed, mid-iteration, for another
    // kind, with fewer digits than a batch, or before the recipe's last change.
    Status train_alone(char kind, const Dataset& data, StepStats* stats);
    // Lone updates of each kind done so far (the recipe's, up to where the run is).
    int64_t lone_updates(char kind) const { return kind == 'd' ? lone_d_ : lone_g_; }

    // Images (N, 784) in [-1, 1] from z (N, latent) with the weights samples are drawn from
    // (sample_generator()); mode Eval or TrainNoUpdate (N >= 2): sampling never changes the
    // model. A shorthand for sample_images(sample_generator(), ...) with the Gan's own cache.
    void generate(ConstMatrixView z, MatrixView images, BatchNormMode mode);
    // Probabilities (N) that D gives the images: sigmoid of D's logits, BatchNorm in Eval.
    void discriminate(ConstMatrixView images, float* probabilities);
    // The generator weights samples are drawn from: the EMA of G while ema_decay > 0, else the
    // trained G (gan/remedies_noise_ema.h).
    const Sequential& sample_generator() const { return generator_ema() ? g_ema_ : g_; }
    // The EMA copy of G, or null while ema_decay is 0; and its update count (the warm-up's t).
    const Sequential* generator_ema() const { return g_ema_.params.empty() ? nullptr : &g_ema_; }
    Sequential* generator_ema() { return g_ema_.params.empty() ? nullptr : &g_ema_; }
    int64_t& ema_updates() { return ema_updates_; }
    int64_t ema_updates() const { return ema_updates_; }
    // The objective in use (config().objective).
    const Objective& objective() const { return *objective_; }

    const GanConfig& config() const { return config_; }
    // The run's recipe: the config at step 0, the seed and every change made since (and any
    // still ahead, for a replayed recipe). Checkpoints store it; replaying it gives these bits.
    const Recipe& recipe() const { return recipe_; }
    // Names the images the run trains on in its recipe (Recipe::data_hash, dataset_content_hash;
    // 0: unknown). Gan takes its batches from whatever data train_step is given, so the front
    // end that owns the data says which it is (the session, `ganvas train`).
    void set_data_hash(uint64_t data_hash) { recipe_.data_hash = data_hash; }
    // Changes a live setting (learning rates, betas, eps, D steps, objective) from the next
    // iteration on and records it in the recipe at the current step, as a settings widget does.
    // `text` as settings_set_text takes it ("0.0001", "2", "bce"). Refused with the reason, and
    // nothing changed, for unknown or reset-only keys, bad values, mid-iteration, or a step
    // before the recipe's last change.
    Status change_setting(const std::string& key, const std::string& text);
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
    // For checkpoint loading: `step` iterations are done (the config becomes the recipe's at step).
    void set_step(int64_t step);
    // For rollbacks (gan/snapshot.h): abandons a begun iteration and takes `recipe` with `step`
    // iterations done (the config becomes recipe_config_at(recipe, step)). Refused, nothing
    // changed, when the recipe has another seed or other reset-only settings.
    Status rewind(const Recipe& recipe, int64_t step);
    TrainerState trainer_state() const { return {noise_rng_.state(), data_rng_.state(), sampler_.state()}; }
    // state must be valid (see BatchSampler(const BatchSamplerState&, int)).
    void set_trainer_state(const TrainerState& state);
    const StepTimings& timings() const { return timings_; }
    void reset_timings() { timings_ = StepTimings{}; }

private:
    void follow_recipe();                     // the recipe's changes at step_, once it is reached
    void do_recipe_updates(const Dataset& data);  // the recipe's lone updates at step_ not done yet
    void lone_update(char kind, const Dataset& data, StepStats& stats);
    // Takes the live settings of `next` from the next iteration on; refuses, with the setting
    // named and nothing changed, an invalid config, one that changes a reset-only setting
    // (gan/settings.h: shapes, batch size, slope) and mid-iteration.
    Status set_config(const GanConfig& next);
    void draw_d_inputs(const Dataset& data);  // real_ and z_d_ for the next D step
    void draw_g_inputs();                     // z_g_ for the G step
    // The parts of an iteration (see train_part).
    void d_step_real(ConstMatrixView real, ConstMatrixView z_d, StepStats& stats);
    void d_step_fake(StepStats& stats);
    void g_step_forward(ConstMatrixView z_g, StepStats& stats);
    void g_step_backward();
    // Instance noise on D's input x (N, 784) in phase `phase`: x itself when sigma_t is 0.
    const float* noisy(const float* x, int rows, int phase, int which, Matrix& out);
    // Makes or drops the EMA copy as config_.ema_decay says.
    void sync_ema();
    // The real target is the config's for objectives that have one (objective.h), else unused.
    ObjectiveParams objective_params() const { return ObjectiveParams{config_.real_label}; }

    Recipe recipe_;
    GanConfig config_;
    const Objective* objective_;
    uint64_t seed_;
    int64_t step_ = 0;
    int part_ = 0;                // parts of the current iteration done (train_part)
    size_t updates_done_ = 0;     // the recipe's lone-update entries performed (in order)
    int64_t lone_d_ = 0, lone_g_ = 0;
    int lone_d_at_step_ = 0;      // lone D updates at step_ so far (the penalty's eps key)
    StepStats pending_;           // the current iteration's stats so far
    // Between parts: the D step's real batch and fakes (G's output, in g_cache_), its real-batch
    // loss, and D's input gradient for the G step (in d_fake_cache_).
    const float* real_batch_ = nullptr;
    const float* fake_ = nullptr;
    int d_step_index_ = 0;        // which D step of the iteration (the penalty's eps key)
    const float* d_fake_input_ = nullptr;
    // Instance noise: unit normals, and the noisy D inputs (real, fake) of the current step.
    std::vector<float> noise_unit_;
    Matrix noisy_real_, noisy_fake_;
    // The EMA of G (empty when off) and its updates so far.
    Sequential g_ema_;
    int64_t ema_updates_ = 0;
    int part_batch_ = 0;
    float loss_real_ = 0;
    StepTimings timings_;
    Sequential g_, d_;
    AdamState adam_g_, adam_d_;
    Rng noise_rng_, data_rng_;
    BatchSampler sampler_;
    // Step buffers, reused every step.
    Matrix real_, z_d_, z_g_, d_logit_grad_;
    SequentialCache g_cache_, d_real_cache_, d_fake_cache_;
    PenaltyCache penalty_cache_;
    std::vector<float> penalty_eps_;
    // generate()/discriminate() caches, kept apart from training's.
    SequentialCache g_preview_cache_, d_preview_cache_;
};

}  // namespace ganvas
