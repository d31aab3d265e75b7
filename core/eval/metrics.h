// metrics.h - how good and how varied a set of generated digits is, from a classifier's view of them.
//
// Pure arithmetic on what a classifier (eval/classifier.h) says about N samples: its penultimate
// features (N, F) and its class probabilities (N, 10). Nothing here knows the network.
//
// Fréchet distance (FD; FID with Ganvas's own classifier in place of Inception): model each feature
// set as a Gaussian (mean mu, covariance S) and take the 2-Wasserstein distance between them,
//     FD = |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1^{1/2} S2 S1^{1/2})^{1/2}).
// The symmetric form S1^{1/2} S2 S1^{1/2} (similar to S1 S2, so the same eigenvalues) stays
// positive semi-definite, so both square roots are eigendecompositions of symmetric matrices
// (Eigen's SelfAdjointEigenSolver), in double. The second needs eigenvalues only:
//     Tr((S1^{1/2} S2 S1^{1/2})^{1/2}) = sum_i sqrt(lambda_i).
// Eigenvalues of a PSD matrix computed in floating point can come out as tiny negatives (-1e-17 x
// the largest) where the true value is 0 (a rank-deficient covariance: fewer samples than features,
// or dead features); they are clamped to 0 before the square root, which is what they are.
// S1^{1/2} of the reference set is computed once (FrechetReference), so scoring a new set costs one
// covariance, two F x F products and one eigenvalue solve.
//
// Class metrics, from the argmax class of each sample:
//   histogram      samples per class (10)
//   modes          classes with at least kModeShare (2.5 %) of the samples
//   kl_uniform     KL(histogram share || uniform) = sum_c p_c log(10 p_c), 0 log 0 = 0, in nats:
//                  0 for a perfectly even spread, log 10 = 2.303 when every sample is one class
//   confident      share of samples whose largest class probability is >= kConfidentProbability (0.9)
#pragma once

#include <array>

#include <Eigen/Core>

#include "nn/tensor.h"

namespace ganvas {

constexpr int kMetricClasses = 10;
constexpr double kModeShare = 0.025;          // a class is "covered" with >= 2.5 % of the samples
constexpr float kConfidentProbability = 0.9f; // a sample is "confident" when max softmax prob >= 0.9

// [SECTION] Feature statistics and the Fréchet distance

struct FeatureStats {
    int count = 0;         // rows they were computed from
    Eigen::VectorXd mean;  // (F)
    Eigen::MatrixXd cov;   // (F, F), unbiased (divided by count - 1), as numpy.cov; symmetric
};

// The mean and covariance of features (N, F), N >= 2, in double (centred first, then X^T X).
FeatureStats feature_stats(ConstMatrixView features);

// The square root of a symmetric positive semi-definite matrix: V diag(sqrt(max(lambda, 0))) V^T.
Eigen::MatrixXd psd_sqrt(const Eigen::MatrixXd& s);

// One side of the distance, prepared once: the statistics, S^{1/2} and Tr(S).
struct FrechetReference {
    FeatureStats stats;
    Eigen::MatrixXd cov_sqrt;  // (F, F)
    double cov_trace = 0;
};
FrechetReference frechet_reference(const FeatureStats& stats);

// FD between the reference and another set's statistics (same F). >= 0 up to rounding.
double frechet_distance(const FrechetReference& reference, const FeatureStats& other);
// The same, preparing `a` on the spot.
double frechet_distance(const FeatureStats& a, const FeatureStats& b);

// [SECTION] Class metrics

struct ClassMetrics {
    int count = 0;                                 // samples
    std::array<int, kMetricClasses> histogram{};   // samples per argmax class
    int modes = 0;                                 // classes with >= kModeShare of the samples
    double kl_uniform = 0;                         // nats, see above
    double confident = 0;                          // share with max prob >= kConfidentProbability
};

// From probs (N, 10), N >= 1: each row a probability vector. Ties go to the lower class.
ClassMetrics class_metrics(ConstMatrixView probs);

// KL(share || uniform) of a histogram (0 for an empty one).
double histogram_kl_uniform(const std::array<int, kMetricClasses>& histogram);

}  // namespace ganvas
