// loss.cpp - stable fused sigmoid + binary cross-entropy, softmax cross-entropy. See loss.h.
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

// One row of logits x: the row's max m and sum_j exp(x_j - m), in float, left to right (sum >= 1:
// the max's own term is exp(0)). When p is non-null it receives exp(x_j - m) / sum.
static float softmax_row(const float* x, int classes, float* p, float* max_out) {
    float m = x[0];
    for (int j = 1; j < classes; ++j) m = std::fmax(m, x[j]);
    float sum = 0.0f;
    for (int j = 0; j < classes; ++j) {
        const float e = std::exp(x[j] - m);
        if (p) p[j] = e;
        sum += e;
    }
    if (p)
        for (int j = 0; j < classes; ++j) p[j] /= sum;
    *max_out = m;
    return sum;
}

void softmax_rows(const float* logits, int n, int classes, float* probs) {
    float m = 0;
    for (int r = 0; r < n; ++r) softmax_row(logits + size_t(r) * classes, classes, probs + size_t(r) * classes, &m);
}

double softmax_cross_entropy(const float* logits, int n, int classes, const uint8_t* labels, float* d_logits,
                             float scale) {
    double sum = 0.0;
    const float per_row = scale / static_cast<float>(n);
    for (int r = 0; r < n; ++r) {
        const float* x = logits + size_t(r) * classes;
        float* d = d_logits ? d_logits + size_t(r) * classes : nullptr;  // holds p first
        const int y = labels[r];
        float m = 0;
        const float total = softmax_row(x, classes, d, &m);
        sum += std::log(double(total)) - (double(x[y]) - double(m));
        if (!d) continue;
        for (int j = 0; j < classes; ++j) d[j] = per_row * (d[j] - (j == y ? 1.0f : 0.0f));
    }
    return sum / n;
}

}  // namespace ganvas
