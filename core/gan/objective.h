// objective.h - what D and G minimise, written on D's logits.
//
// D ends in a Linear layer: its output is a logit (or, for the Wasserstein and hinge
// objectives, a raw score), never a probability, so every objective can be computed stably (the
// seed's Sigmoid + BCELoss is BCE on logits, nn/loss.h). An objective gives three losses and
// their gradients with respect to the logits; the training step (gan.cpp) does everything else,
// so a new objective is one entry in objective.cpp:
//
//   D step   loss_D = d_real(D(x)) + d_fake(D(G(z)))     x: a real batch, z: fresh noise
//   G step   loss_G = g(D(G(z)))                          gradient flows through D into G
//
// Each function takes n logits, returns the mean loss over them and writes
// d(loss)/d(logit_i) into grad[i] (n values). `name` is what configs and links store.
//
// The objectives (x = D's raw output; means over the batch; t = params.real_target, 1 unless
// one-sided label smoothing is on):
//   bce      D: (BCE(x_real, t) + BCE(x_fake, 0)) / 2     G: BCE(x_fake, 1) (non-saturating; the seed)
//   minimax  D: as bce                                     G: mean log(1 - sigmoid(x_fake))
//            (Goodfellow's original, saturating: G's gradient vanishes while D rejects its samples)
//   lsgan    D: (mean (x_real - t)^2 + mean x_fake^2) / 2  G: mean (x_fake - 1)^2 / 2
//            (Mao et al. 2017, a = 0, b = t, c = 1, on the raw output)
//   hinge    D: mean relu(1 - x_real) + mean relu(1 + x_fake)   G: -mean x_fake
//            (relu's derivative at 0 is 0, as PyTorch's)
//   wgan-gp  D: mean x_fake - mean x_real, plus gp_lambda * mean (||grad_x D(x_hat)|| - 1)^2 on
//            random interpolates x_hat (gan/penalty.h; Gulrajani et al. 2017)   G: -mean x_fake
#pragma once

#include <string>
#include <vector>

namespace ganvas {

// What an objective reads from the config besides the logits.
struct ObjectiveParams {
    float real_target = 1.0f;  // D's target for real samples (config.real_label; 1 = no smoothing)
};

struct Objective {
    const char* name;
    const char* summary;  // one line for people
    float (*d_real)(const float* logits, int n, float* grad, const ObjectiveParams& params);
    float (*d_fake)(const float* logits, int n, float* grad, const ObjectiveParams& params);
    float (*g)(const float* logits, int n, float* grad, const ObjectiveParams& params);
    bool gradient_penalty;  // D's loss adds the interpolates' gradient penalty (gan/penalty.h)
    bool has_target;        // d_real has a real target, so label smoothing means something
};

// The objective called `name`, or null when there is none (a config names it; validation
// refuses unknown names before a Gan is built).
const Objective* objective_find(const std::string& name);
// Every objective's name, the seed's first: "bce", "minimax", "lsgan", "hinge", "wgan-gp".
std::vector<std::string> objective_names();

}  // namespace ganvas
