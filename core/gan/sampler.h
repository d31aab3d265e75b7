// sampler.h - images from z with a given set of generator weights.
//
// Sampling is separate from training: it takes the generator's weights as const (the trained
// G today; an exponential moving average of it, a checkpoint's, or a link's rebuilt model
// later) and a cache of the caller's own, so a sample grid or an evaluation never touches the
// training step's buffers or the model's running statistics.
#pragma once

#include "nn/model.h"
#include "nn/tensor.h"

namespace ganvas {

// images (N, pixels) in [-1, 1] = G(z) for z (N, latent). mode: Eval (running statistics) or
// TrainNoUpdate (this batch's statistics, as the seed shows its training-mode samples; N >= 2).
void sample_images(const Sequential& generator, SequentialCache& cache, ConstMatrixView z, MatrixView images,
                   BatchNormMode mode);

}  // namespace ganvas
