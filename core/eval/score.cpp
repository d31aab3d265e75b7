// score.cpp - scoring images and generators with the classifier. See score.h.
#include "eval/score.h"

#include <algorithm>
#include <cassert>

#include "gan/sampler.h"
#include "gan/streams.h"

namespace ganvas {

Scorer::Scorer(const Classifier& classifier)
    : classifier_(&classifier), reference_(frechet_reference(classifier.reference)) {}

EvalScores Scorer::score(ConstMatrixView images) {
    assert(images.rows() >= 2 && "Scorer::score: a covariance needs at least two images");
    classifier_run(*classifier_, cache_, images, &outputs_);
    EvalScores s;
    s.count = int(images.rows());
    s.fd = frechet_distance(reference_, feature_stats(const_view_of(outputs_.features)));
    s.classes = class_metrics(const_view_of(outputs_.probs));
    return s;
}

double score_flops(int n) {
    const double f = kClassifierFeatures;
    const double network = double(kClassifierPixels) * 512 + 512.0 * f + f * kClassifierClasses;
    return double(n) * (network + f * (f + 1) / 2) + 2 * f * f * f + 4.0 / 3.0 * f * f * f;
}

void eval_generator_images(const Sequential& generator, uint64_t seed, uint64_t first, int batch, MatrixView images,
                           BatchNormMode mode) {
    const int count = int(images.rows()), latent = generator.features_in(), pixels = generator.features_out();
    assert(count >= 2 && batch >= 2 && images.cols() == pixels && "eval_generator_images: count, batch >= 2");
    Matrix z(count, latent);
    sample_z_rows(seed, first, view_of(z));
    SequentialCache cache;
    for (int start = 0; start < count;) {
        int rows = std::min(batch, count - start);
        if (count - start - rows == 1) ++rows;  // never leave a last batch of one: take it in
        sample_images(generator, cache, ConstMatrixView(z.data() + size_t(start) * latent, rows, latent),
                      MatrixView(images.data() + size_t(start) * pixels, rows, pixels), mode);
        start += rows;
    }
}

}  // namespace ganvas
