// loss.cpp - stable fused sigmoid + binary cross-entropy. See loss.h.
#include "nn/loss.h"

#include <cmath>

namespace ganvas {

float sigmoid_of_logit(float x) {
    // Split by sign so exp never overflows.
    if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
    const float e = std::exp(x);
    return e / (1.0f + e);
}

float bce_with_logits(const float* logits, int n, float target, float* d_logits, float scale) {
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
        const float x = logits[i];
        sum += std::fmax(x, 0.0f) - x * target + std::log1p(std::exp(-std::fabs(x)));
        if (d_logits) d_logits[i] = scale * (sigmoid_of_logit(x) - target) / static_cast<float>(n);
    }
    return static_cast<float>(sum / n);
}

float mean_sigmoid(const float* logits, int n) {
    double sum = 0.0;
    for (int i = 0; i < n; ++i) sum += sigmoid_of_logit(logits[i]);
    return static_cast<float>(sum / n);
}

}  // namespace ganvas
