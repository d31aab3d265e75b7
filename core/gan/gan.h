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

#include "gan/config.h"
#include "gan/networks.h"
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
    float d_real = 0;     // mean D(x) on the real batch, a probability
    float d_fake = 0;     // mean D(G(z)) during the D step
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

    // One D step then one G step on the next batch of data (data.count >= batch_size): draws
    // the real batch, then z for the D step and z for the G step, and calls train_step_with.
    StepStats train_step(const Dataset& data);
    // One D step then one G step on given inputs: real (N, 784) labelled 1; z_d (N, latent)
    // makes the D step's fakes, z_g (N, latent) the G step's. N >= 2, the same for all three
    // (it may differ from config().batch_size). The one code path of training.
    StepStats train_step_with(ConstMatrixView real, ConstMatrixView z_d, ConstMatrixView z_g);

    // The same iteration in kStepParts calls, for callers that must bound the time of one call
    // (the one-thread page trains inside ~16 ms frames; a whole step takes ~20 ms in wasm):
    //   part 0  draws the inputs exactly as train_step() does; G(z_d); D forward and backward
    //           on the real batch
    //   part 1  D forward and backward on the fakes; Adam on D (the D step is done)
    //   part 2  G(z_g); D forward on it and D's input gradient
    //   part 3  G backward; Adam on G; returns true with the iteration's stats in *completed
    // Any mix of train_step(), train_half_step() and train_part() gives the bits that
    // train_step() alone gives: the parts are the same operations in the same order.
    static constexpr int kStepParts = 4;
    bool train_part(const Dataset& data, StepStats* completed);
    // Parts up to the end of the current D or G step: the first call runs the D step, the
    // second the G step, completing the iteration (true, stats in *completed).
    bool train_half_step(const Dataset& data, StepStats* completed);
    // Parts of the current iteration done (0: none; the model is between iterations).
    int parts_done() const { return part_; }
    // True inside an iteration (some parts done, not all).
    bool mid_iteration() const { return part_ != 0; }

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
    TrainerState trainer_state() const { return {noise_rng_.state(), data_rng_.state(), sampler_.state()}; }
    // state must be valid (see BatchSampler(const BatchSamplerState&, int)).
    void set_trainer_state(const TrainerState& state);
    const StepTimings& timings() const { return timings_; }
    void reset_timings() { timings_ = StepTimings{}; }

private:
    void draw_step_inputs(const Dataset& data);  // real_, z_d_, z_g_ for the next iteration
    // The four parts of an iteration (see train_part).
    void d_step_real(ConstMatrixView real, ConstMatrixView z_d, StepStats& stats);
    void d_step_fake(StepStats& stats);
    void g_step_forward(ConstMatrixView z_g, StepStats& stats);
    void g_step_backward();

    GanConfig config_;
    uint64_t seed_;
    int64_t step_ = 0;
    int part_ = 0;                // parts of the current iteration done (train_part)
    StepStats pending_;           // the current iteration's stats so far
    // Between parts: the D step's fakes (G's output, in g_cache_), its real-batch loss, and
    // D's input gradient for the G step (in d_fake_cache_).
    const float* fake_ = nullptr;
    const float* d_fake_input_ = nullptr;
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
    // generate()/discriminate() caches, kept apart from training's.
    SequentialCache g_preview_cache_, d_preview_cache_;
};

}  // namespace ganvas
