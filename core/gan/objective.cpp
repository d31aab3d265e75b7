// objective.cpp - the GAN objectives. See objective.h.
#include "gan/objective.h"

#include <utility>

#include "nn/loss.h"

namespace ganvas {

namespace {

// Mean of f(x_i).first over n logits, summed in double; grad[i] = f(x_i).second / n.
template <class F>
float mean_loss(const float* logits, int n, float* grad, F f) {
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
        const std::pair<float, float> value_slope = f(logits[i]);
        sum += value_slope.first;
        grad[i] = value_slope.second / static_cast<float>(n);
    }
    return static_cast<float>(sum / n);
}

// [SECTION] bce: the seed's, and minimax
// D's loss is the mean of the two BCEs: each half carries a factor 1/2 in value and gradient
// (0.5 * a + 0.5 * b is the same float as 0.5 * (a + b): halving is exact).
float bce_d_real(const float* x, int n, float* grad, const ObjectiveParams& p) {
    return 0.5f * bce_with_logits(x, n, p.real_target, grad, 0.5f);
}
float bce_d_fake(const float* x, int n, float* grad, const ObjectiveParams&) { return 0.5f * bce_with_logits(x, n, 0.0f, grad, 0.5f); }
float bce_g(const float* x, int n, float* grad, const ObjectiveParams&) { return bce_with_logits(x, n, 1.0f, grad, 1.0f); }
// log(1 - sigmoid(x)) = -softplus(x) = -BCE(x, 0); its slope is -sigmoid(x).
float minimax_g(const float* x, int n, float* grad, const ObjectiveParams&) { return -bce_with_logits(x, n, 0.0f, grad, -1.0f); }

// [SECTION] lsgan
float lsgan_d_real(const float* x, int n, float* grad, const ObjectiveParams& p) {
    const float b = p.real_target;
    return mean_loss(x, n, grad, [b](float v) { return std::make_pair(0.5f * (v - b) * (v - b), v - b); });
}
float lsgan_d_fake(const float* x, int n, float* grad, const ObjectiveParams&) {
    return mean_loss(x, n, grad, [](float v) { return std::make_pair(0.5f * v * v, v); });
}
float lsgan_g(const float* x, int n, float* grad, const ObjectiveParams&) {
    return mean_loss(x, n, grad, [](float v) { return std::make_pair(0.5f * (v - 1.0f) * (v - 1.0f), v - 1.0f); });
}

// [SECTION] hinge and wgan-gp: raw scores
float hinge_d_real(const float* x, int n, float* grad, const ObjectiveParams&) {
    return mean_loss(x, n, grad, [](float v) { return v < 1.0f ? std::make_pair(1.0f - v, -1.0f) : std::make_pair(0.0f, 0.0f); });
}
float hinge_d_fake(const float* x, int n, float* grad, const ObjectiveParams&) {
    return mean_loss(x, n, grad, [](float v) { return v > -1.0f ? std::make_pair(1.0f + v, 1.0f) : std::make_pair(0.0f, 0.0f); });
}
// -mean x (hinge's and wgan's G, wgan's D on real data) and mean x (wgan's D on fakes).
float minus_mean(const float* x, int n, float* grad, const ObjectiveParams&) {
    return mean_loss(x, n, grad, [](float v) { return std::make_pair(-v, -1.0f); });
}
float plus_mean(const float* x, int n, float* grad, const ObjectiveParams&) {
    return mean_loss(x, n, grad, [](float v) { return std::make_pair(v, 1.0f); });
}

const Objective kObjectives[] = {
    {"bce", "the seed's: binary cross-entropy, non-saturating for G", bce_d_real, bce_d_fake, bce_g, false, true},
    {"minimax", "binary cross-entropy, saturating for G (G minimises log(1 - D(G(z))))", bce_d_real, bce_d_fake,
     minimax_g, false, true},
    {"lsgan", "least squares on D's raw output (targets 0 fake, 1 real)", lsgan_d_real, lsgan_d_fake, lsgan_g, false, true},
    {"hinge", "hinge loss on D's raw output; G maximises D's score", hinge_d_real, hinge_d_fake, minus_mean, false, false},
    {"wgan-gp", "Wasserstein critic with a gradient penalty (gp_lambda) on interpolates", minus_mean, plus_mean,
     minus_mean, true, false},
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
