// objective.cpp - the GAN objectives. See objective.h.
#include "gan/objective.h"

#include "nn/loss.h"

namespace ganvas {

namespace {

// [SECTION] bce: the seed's
// D's loss is the mean of the two BCEs: each half carries a factor 1/2 in value and gradient
// (0.5 * a + 0.5 * b is the same float as 0.5 * (a + b): halving is exact).
float bce_d_real(const float* logits, int n, float* grad) { return 0.5f * bce_with_logits(logits, n, 1.0f, grad, 0.5f); }
float bce_d_fake(const float* logits, int n, float* grad) { return 0.5f * bce_with_logits(logits, n, 0.0f, grad, 0.5f); }
float bce_g(const float* logits, int n, float* grad) { return bce_with_logits(logits, n, 1.0f, grad, 1.0f); }

const Objective kObjectives[] = {
    {"bce", "the seed's: binary cross-entropy, non-saturating for G", bce_d_real, bce_d_fake, bce_g},
};

}  // namespace

const Objective* objective_find(const std::string& name) {
    for (const Objective& o : kObjectives)
        if (name == o.name) return &o;
    return nullptr;
}

std::vector<std::string> objective_names() {
    std::vector<std::string> names;
    for (const Objective& o : kObjectives) names.push_back(o.name);
    return names;
}

}  // namespace ganvas
