// snapshot.h - a whole training state in memory, to roll a run back to; and what "diverged" means.
//
// A GanSnapshot holds everything that decides a Gan's next steps (the same things a checkpoint
// stores, io/checkpoint.h, without the encoding): G's and D's weights, running statistics and
// counters, both Adam states, the random streams and the sampler's position (TrainerState), the
// step and the recipe that produced these weights. Restoring it and training on gives the bits
// that training on from the moment it was taken gave (tests/test_snapshot.cpp). The shell keeps a
// ring of them and rolls back when a step diverges (shell/session.h, "Divergence").
//
// Divergence, checked on what a step already computed (two losses: no extra pass over weights):
//   not finite   a loss is NaN or infinite
//   exploding    |loss| > kExplodingLoss (1e4). Healthy runs of every objective stay below ~100
//                (BCE and hinge losses are softplus / ReLU of logits; LSGAN's are squares of
//                them; WGAN-GP's critic gaps are tens early on). A mean loss of 1e4 means logits
//                of ~1e4 (~1e2 for LSGAN), where a float sigmoid is exactly 0 or 1: the gradients
//                no longer depend on the input and the run does not come back; it reaches
//                infinity a few steps later.
// Weights are checked when a snapshot is taken (off the hot path, in the same pass as the copy):
// a non-finite weight or moment, or |weight| > kExplodingWeight (1e3: weights start below 1,
// BatchNorm scales near 1, and Adam moves a weight by at most ~lr per step, 2e-4 for the seed, so
// 100,000 healthy steps drift it by ~20 at most), refuses the snapshot as diverged. A non-finite
// weight also shows in the losses within a step: D's Adam runs before the G step's loss, G's
// before the next D step's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gan/gan.h"

namespace ganvas {

constexpr float kExplodingLoss = 1e4f;
constexpr float kExplodingWeight = 1e3f;

enum class Divergence { None, NotFinite, Exploding };

// Whether the step diverged, from its losses (see the top of the file).
Divergence step_divergence(const StepStats& stats);
// For people: "the D loss is not finite", "the G loss reached 3.2e+05 (past 1e+04)".
std::string step_divergence_text(const StepStats& stats);

struct GanSnapshot {
    int64_t step = -1;  // -1: empty (never taken)
    Recipe recipe;      // the run as it was: restoring drops changes recorded after it
    std::vector<float> g_params, g_buffers, d_params, d_buffers;
    std::vector<int64_t> g_counters, d_counters;
    AdamState adam_g, adam_d;
    TrainerState trainer;
    // The EMA of G (gan/remedies_noise_ema.h) when ema_decay was on: its weights, statistics and
    // update count (empty vectors when it was off).
    std::vector<float> ema_params, ema_buffers;
    std::vector<int64_t> ema_counters;
    int64_t ema_updates = 0;

    bool empty() const { return step < 0; }
};

// Copies the Gan's state into *to between iterations (gan.mid_iteration() must be false);
// allocates only the first time for a shape. Checks every weight and Adam moment while copying:
// a non-finite or exploding one leaves *to empty and returns the reason (Divergence, and text for
// people in *why when given).
Divergence gan_snapshot_take(const Gan& gan, GanSnapshot* to, std::string* why = nullptr);
// Puts the snapshot's state back into the Gan: any begun iteration is abandoned, the recipe, step,
// weights, statistics, both Adam states, the EMA of G and the streams become the snapshot's. Refused (nothing
// changed) for an empty snapshot or one of another model (seed, shapes, reset-only settings).
Status gan_snapshot_restore(const GanSnapshot& from, Gan* gan);
// True when the Gan's state is bit for bit the snapshot's (weights, statistics, Adam, streams,
// step, recipe). For tests and checks.
bool gan_snapshot_matches(const GanSnapshot& snapshot, const Gan& gan);

}  // namespace ganvas
