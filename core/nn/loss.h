// loss.h - binary cross-entropy on logits, computed stably.
//
// The seed applies Sigmoid and then BCELoss. Computing log(sigmoid(x)) naively loses
// everything once D is confident (sigmoid(x) rounds to 1 in float for x > 17). Here the
// two are fused: for a logit x and target y,
//     loss = max(x, 0) - x*y + log(1 + exp(-|x|))      (never overflows)
//     d loss / d x = sigmoid(x) - y
// which equals PyTorch's BCELoss(sigmoid(x), y) wherever BCELoss's log clamp at -100
// is inactive (|x| < ~100), i.e. everywhere training can reach in float.
#pragma once

namespace ganvas {

// Mean BCE over n logits against one target (1 = real, 0 = fake).
// If d_logits is non-null, writes scale * d(mean loss)/d(logit_i) there.
float bce_with_logits(const float* logits, int n, float target, float* d_logits, float scale);

// sigmoid(x) = 1 / (1 + exp(-x)), split by sign so exp never overflows: the probability of
// "real" that a logit stands for.
float sigmoid_of_logit(float x);
// Mean of sigmoid(logit): the average probability D assigns to "real".
float mean_sigmoid(const float* logits, int n);

}  // namespace ganvas
