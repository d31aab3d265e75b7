// objective.h - what D and G minimise, on D's logits.
//
// D ends in a Linear layer: its output is a logit, never a probability, so every objective
// can be written stably (the seed's Sigmoid + BCELoss becomes BCE on logits, nn/loss.h).
// An objective gives the two networks' losses and their gradients with respect to the logits;
// the training step (gan.cpp) does the rest. Names are what configs and links store.
#pragma once

#include <string>
#include <vector>

namespace ganvas {

// Names of the objectives, for configs: "bce" is the seed's (D: BCE on real 1 / fake 0,
// averaged; G: the non-saturating BCE(D(G(z)), 1)).
std::vector<std::string> objective_names();

}  // namespace ganvas
