// adam.h - Adam over one flat parameter buffer, PyTorch's formulation (torch.optim.Adam,
// amsgrad=False, weight_decay=0):
//     m = b1 m + (1 - b1) g          v = b2 v + (1 - b2) g^2
//     p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// State is indexed like the parameter buffer, never keyed by pointer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ganvas {

struct AdamConfig {
    float lr = 2e-4f;
    float beta1 = 0.5f;
    float beta2 = 0.999f;
    float eps = 1e-8f;
};

struct AdamState {
    std::vector<float> m, v;  // first and second moments, one per parameter
    int64_t step = 0;

    void reset(size_t parameter_count);
};

void adam_step(AdamState& state, const AdamConfig& config, float* params, const float* grads, size_t n);

}  // namespace ganvas
