// loss.h - binary cross-entropy on logits (the GAN's), softmax cross-entropy (the digit
// classifier's, eval/classifier.h), both computed stably.
//
// The seed applies Sigmoid and then BCELoss. Computing log(sigmoid(x)) naively loses
// everything once D is confident (sigmoid(x) rounds to 1 in float for x > 17). Here the
// two are fused: for a logit x and target y,
//     loss = max(x, 0) - x*y + log(1 + exp(-|x|))      (never overflows)
//     d loss / d x = sigmoid(x) - y
// which equals PyTorch's BCELoss(sigmoid(x), y) wherever BCELoss's log clamp at -100
// is inactive (|x| < ~100), i.e. everywhere training can reach in float.
#pragma once

#include <cstdint>

namespace ganvas {

// Mean BCE over n logits against one target (1 = real, 0 = fake).
// If d_logits is non-null, writes scale * d(mean loss)/d(logit_i) there.
float bce_with_logits(const float* logits, int n, float target, float* d_logits, float scale);

// sigmoid(x) = 1 / (1 + exp(-x)), split by sign so exp never overflows: the probability of
// "real" that a logit stands for.
float sigmoid_of_logit(float x);
// Mean of sigmoid(logit): the average probability D assigns to "real".
float mean_sigmoid(const float* logits, int n);

// Softmax cross-entropy (PyTorch's F.cross_entropy, mean reduction) of n rows of `classes`
// logits (n, classes) against integer labels in [0, classes):
//     p = softmax(x - max(x))                 (shifted by the row's max: exp never overflows)
//     loss = mean over rows of log(sum_j exp(x_j - m)) - (x_label - m)
//     d loss / d x_j = (p_j - [j == label]) / n
// If d_logits (n, classes) is non-null, writes scale * the gradient there. The gradient uses only
// exp, + and / in float, in a fixed order (bit-identical natively and in wasm); the returned loss
// (a log, accumulated in double) is for reports and never feeds training.
double softmax_cross_entropy(const float* logits, int n, int classes, const uint8_t* labels, float* d_logits,
                             float scale);
// probs (n, classes) = softmax of each row of logits, as above (probs may equal logits).
void softmax_rows(const float* logits, int n, int classes, float* probs);

}  // namespace ganvas
