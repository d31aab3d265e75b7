// sampler.cpp - see sampler.h.
#include "gan/sampler.h"

#include <cassert>

namespace ganvas {

void sample_images(const Sequential& generator, SequentialCache& cache, ConstMatrixView z, MatrixView images,
                   BatchNormMode mode) {
    assert(mode != BatchNormMode::Train && "sample_images: sampling never updates running statistics");
    assert(z.cols() == generator.features_in() && images.rows() == z.rows() && images.cols() == generator.features_out() &&
           "sample_images: z is (N, latent) and images (N, pixels)");
    images = sequential_infer(generator, cache, z, mode);
}

}  // namespace ganvas
