// objective.h - what D and G minimise, written on D's logits.
//
// D ends in a Linear layer: its output is a logit, never a probability, so every objective can
// be computed stably (the seed's Sigmoid + BCELoss is BCE on logits, nn/loss.h). An objective
// gives three losses and their gradients with respect to the logits; the training step
// (gan.cpp) does everything else, so a new objective is one entry in objective.cpp:
//
//   D step   loss_D = d_real(D(x)) + d_fake(D(G(z)))     x: a real batch, z: fresh noise
//   G step   loss_G = g(D(G(z)))                          gradient flows through D into G
//
// Each function takes n logits, returns the mean loss over them and writes
// d(loss)/d(logit_i) into grad[i] (n values). `name` is what configs and links store.
#pragma once

#include <string>
#include <vector>

namespace ganvas {

struct Objective {
    const char* name;
    const char* summary;  // one line for people
    float (*d_real)(const float* logits, int n, float* grad);
    float (*d_fake)(const float* logits, int n, float* grad);
    float (*g)(const float* logits, int n, float* grad);
};

// The objective called `name`, or null when there is none (a config names it; validation
// refuses unknown names before a Gan is built).
const Objective* objective_find(const std::string& name);
// Every objective's name, the seed's first: "bce" (D: BCE against 1 for real and 0 for fake,
// averaged, the seed's criterion((D(x), 1) + (D(G(z)), 0)) / 2; G: the non-saturating
// BCE(D(G(z)), 1)).
std::vector<std::string> objective_names();

}  // namespace ganvas
