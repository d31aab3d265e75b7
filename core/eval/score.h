// score.h - scoring generated digits with the classifier: what `ganvas eval`, `ganvas train
// --eval-every` and the page's diagnosis report.
//
// A Scorer holds a loaded classifier (eval/classifier.h) and the reference side of the Fréchet
// distance prepared once (the held-out real digits' S^{1/2}, eval/metrics.h); score() runs the
// classifier on images (N, 784), takes the penultimate features' statistics and the class
// probabilities, and returns
//   fd          Fréchet distance to the held-out real digits (0: indistinguishable feature statistics)
//   classes     histogram of argmax classes, modes (>= 2.5 % of samples), KL to uniform,
//               confident share (max softmax probability >= 0.9)
// Cost of score() for N images, in multiply-adds (score_flops): N x 468,992 for the network (784x512
// + 512x128 + 128x10, float GEMM), N x 8,256 for the covariance (F(F+1)/2, F = 128, double), 2 F^3
// = 4.2 M for S1^{1/2} S2 S1^{1/2} and ~4/3 F^3 = 2.8 M for its eigenvalues (double): 0.48 G at
// N = 1,000, 97 % of it the network's first layer.
//
// Which images stand for a generator (eval_generator_images): the z of (seed, first + i)
// (gan/streams.h sample_z_rows; first = 0, seed = the model's: the grid's z), run through G in
// batches of the config's batch size with BatchNorm in TrainNoUpdate mode (batch statistics, as
// the seed shows its samples; running statistics untouched); a last batch of one joins the one before.
#pragma once

#include <cstdint>

#include "eval/classifier.h"
#include "eval/metrics.h"
#include "nn/model.h"
#include "nn/tensor.h"

namespace ganvas {

struct EvalScores {
    int count = 0;       // images scored
    double fd = 0;       // to the held-out real digits
    ClassMetrics classes;
};

class Scorer {
public:
    // Keeps a reference to `classifier`, which must outlive the Scorer.
    explicit Scorer(const Classifier& classifier);
    // Scores images (N, 784) in [-1, 1], N >= 2. Reuses its buffers: not for two threads at once.
    EvalScores score(ConstMatrixView images);
    const Classifier& classifier() const { return *classifier_; }
    const FrechetReference& reference() const { return reference_; }

private:
    const Classifier* classifier_;
    FrechetReference reference_;
    SequentialCache cache_;
    ClassifierOutputs outputs_;
};

// Multiply-adds of Scorer::score for n images (see above).
double score_flops(int n);

// images (count, 784) of `generator` for the z of (seed, first .. first + count - 1), in batches of
// `batch` (>= 2) with BatchNorm in `mode` (TrainNoUpdate: batch statistics; Eval: running ones).
// count >= 2.
void eval_generator_images(const Sequential& generator, uint64_t seed, uint64_t first, int batch, MatrixView images,
                           BatchNormMode mode = BatchNormMode::TrainNoUpdate);

}  // namespace ganvas
