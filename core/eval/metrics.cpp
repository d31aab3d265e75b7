// metrics.cpp - feature statistics, the Fréchet distance, class metrics. See metrics.h.
#include "eval/metrics.h"

#include <cassert>
#include <cmath>
#include <vector>

#include <Eigen/Eigenvalues>

namespace ganvas {

// Plain loops in a fixed order (each entry one sum over rows, ascending) rather than Eigen's
// vectorised reductions, whose order depends on the target: the statistics are stored in the
// classifier file, which must be the same bytes natively and in wasm.
FeatureStats feature_stats(ConstMatrixView features) {
    const Eigen::Index n = features.rows(), f = features.cols();
    assert(n >= 2 && "feature_stats: a covariance needs at least two rows");
    FeatureStats s;
    s.count = int(n);
    s.mean = Eigen::VectorXd::Zero(f);
    for (Eigen::Index r = 0; r < n; ++r)
        for (Eigen::Index i = 0; i < f; ++i) s.mean[i] += double(features(r, i));
    for (Eigen::Index i = 0; i < f; ++i) s.mean[i] /= double(n);
    s.cov = Eigen::MatrixXd::Zero(f, f);
    std::vector<double> centred(static_cast<size_t>(f));
    for (Eigen::Index r = 0; r < n; ++r) {
        for (Eigen::Index i = 0; i < f; ++i) centred[size_t(i)] = double(features(r, i)) - s.mean[i];
        for (Eigen::Index i = 0; i < f; ++i) {
            const double ci = centred[size_t(i)];
            double* row = &s.cov(0, i);  // column i (column-major): entries (j, i), j >= i
            for (Eigen::Index j = i; j < f; ++j) row[j] += ci * centred[size_t(j)];
        }
    }
    const double scale = 1.0 / double(n - 1);
    for (Eigen::Index i = 0; i < f; ++i)
        for (Eigen::Index j = i; j < f; ++j) {
            const double v = s.cov(j, i) * scale;
            s.cov(j, i) = v;
            s.cov(i, j) = v;  // exactly symmetric
        }
    return s;
}

Eigen::MatrixXd psd_sqrt(const Eigen::MatrixXd& s) {
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(s);
    // Clamp: see metrics.h (rounding turns true zeros into tiny negatives).
    const Eigen::VectorXd root = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    const Eigen::MatrixXd& v = eig.eigenvectors();
    return v * root.asDiagonal() * v.transpose();
}

FrechetReference frechet_reference(const FeatureStats& stats) {
    FrechetReference r;
    r.stats = stats;
    r.cov_sqrt = psd_sqrt(stats.cov);
    r.cov_trace = stats.cov.trace();
    return r;
}

double frechet_distance(const FrechetReference& reference, const FeatureStats& other) {
    assert(reference.stats.mean.size() == other.mean.size() && "frechet_distance: feature widths differ");
    const Eigen::MatrixXd& r = reference.cov_sqrt;
    const Eigen::MatrixXd inner = r * other.cov * r;  // symmetric PSD in exact arithmetic
    // Eigenvalues only, of the lower triangle (the solver reads only that one).
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(inner, Eigen::EigenvaluesOnly);
    const double trace_sqrt = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt().sum();
    const double mean_term = (reference.stats.mean - other.mean).squaredNorm();
    return mean_term + reference.cov_trace + other.cov.trace() - 2.0 * trace_sqrt;
}

double frechet_distance(const FeatureStats& a, const FeatureStats& b) {
    return frechet_distance(frechet_reference(a), b);
}

double histogram_kl_uniform(const std::array<int, kMetricClasses>& histogram) {
    double total = 0;
    for (int h : histogram) total += h;
    if (total <= 0) return 0;
    double kl = 0;
    for (int h : histogram) {
        if (h == 0) continue;
        const double p = h / total;
        kl += p * std::log(p * kMetricClasses);
    }
    return kl;
}

ClassMetrics class_metrics(ConstMatrixView probs) {
    assert(probs.cols() == kMetricClasses && "class_metrics: probs are (N, 10)");
    ClassMetrics m;
    m.count = int(probs.rows());
    int confident = 0;
    for (Eigen::Index r = 0; r < probs.rows(); ++r) {
        int best = 0;
        for (int c = 1; c < kMetricClasses; ++c)
            if (probs(r, c) > probs(r, best)) best = c;
        ++m.histogram[size_t(best)];
        if (probs(r, best) >= kConfidentProbability) ++confident;
    }
    for (int h : m.histogram)
        if (m.count > 0 && double(h) >= kModeShare * m.count) ++m.modes;
    m.kl_uniform = histogram_kl_uniform(m.histogram);
    m.confident = m.count > 0 ? double(confident) / m.count : 0.0;
    return m;
}

}  // namespace ganvas
