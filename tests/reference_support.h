// reference_support.h - what the PyTorch comparisons share: loading tests/reference/*.safetensors,
// the weight and input derivation rule of tests/reference/make_reference.py (implemented again
// here from the same definition), and comparisons that print the largest difference and judge it
// against a tolerance.
//
// Tolerance rule, one for every comparison: element i passes when
//     |actual_i - expected_i| <= rel * (|expected_i| + scale) + abs
// where scale is, unless a test says otherwise, the tensor's root mean square and abs is 0. The relative part covers ordinary values; the
// floor (rel x rms) covers entries near zero, which come from cancellation (a sum of terms of
// the tensor's typical size) and so carry rounding errors of that typical size, not of their own.
// For a tensor stored as a subsample plus float64 sum and sum of squares, the same per-element
// rule bounds the sum's error by 2 rel sqrt(n sumsq) (Cauchy-Schwarz) and the sum of squares'
// by 4 rel sumsq (check_summary has the general bounds); a wrong entry anywhere moves them.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "nn/model.h"
#include "base/rng.h"
#include "io/safetensors.h"

namespace ganvas_test {

inline std::string reference_dir() { return GANVAS_TEST_REFERENCE_DIR; }

// [SECTION] Reference files

class ReferenceFile {
public:
    explicit ReferenceFile(const std::string& path) : path_(path) {
        const ganvas::Status read = ganvas::file_read_all(path, &bytes_);
        if (!read) FAIL("cannot read the reference file: " << read.message
                        << " (regenerate with /usr/bin/python3 tests/reference/make_reference.py)");
        const ganvas::Status parsed = ganvas::safetensors_parse(bytes_.data(), bytes_.size(), &file_);
        if (!parsed) FAIL(path << " is not a valid safetensors file: " << parsed.message);
    }
    const ganvas::SafetensorsTensor& tensor(const std::string& name) const {
        const ganvas::SafetensorsTensor* t = file_.find(name);
        if (!t) FAIL(path_ << " has no tensor '" << name << "': regenerate it with make_reference.py");
        return *t;
    }
    std::vector<float> f32(const std::string& name) const {
        const auto& t = tensor(name);
        REQUIRE(t.dtype == ganvas::SafetensorsDtype::F32);
        return file_.values<float>(t);
    }
    std::vector<double> f64(const std::string& name) const {
        const auto& t = tensor(name);
        REQUIRE(t.dtype == ganvas::SafetensorsDtype::F64);
        return file_.values<double>(t);
    }
    double scalar(const std::string& name) const {
        const std::vector<double> v = f64(name);
        REQUIRE(v.size() == 1);
        return v[0];
    }
    const std::vector<uint8_t>& bytes() const { return bytes_; }

private:
    std::string path_;
    std::vector<uint8_t> bytes_;
    ganvas::SafetensorsFile file_;
};

// reference.safetensors, loaded once per test executable.
inline const ReferenceFile& reference() {
    static const ReferenceFile file(reference_dir() + "/reference.safetensors");
    return file;
}

// [SECTION] The derivation rule (make_reference.py / seed_gan.py derive_weights)

constexpr uint64_t kWeightSeed = 1234, kWeightStream = 77, kInputSeed = 1234, kInputStream = 78;

// Fills every Linear (or SpectralLinear: weight_orig) and BatchNorm1d tensor of net in state_dict order from rng: Linear weight,
// then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)); BatchNorm weight ~ U(0.5, 1.5), bias ~
// U(-0.5, 0.5); running mean 0, running var 1, num_batches_tracked 0.
inline void derive_weights(ganvas::Sequential& net, ganvas::Rng& rng) {
    for (size_t i = 0; i < net.layers.size(); ++i) {
        const ganvas::LayerSpec& spec = net.layers[i].spec;
        if (spec.kind == ganvas::LayerKind::Linear || spec.kind == ganvas::LayerKind::SpectralLinear) {
            // A SpectralLinear's trained weight is weight_orig (make_d_remedies.py derives, then wraps).
            const char* weight = spec.kind == ganvas::LayerKind::Linear ? "weight" : "weight_orig";
            const float bound = 1.0f / std::sqrt(static_cast<float>(spec.in.size()));
            rng.fill_uniform(net.values(i, weight), size_t(spec.out.size() * spec.in.size()), -bound, bound);
            rng.fill_uniform(net.values(i, "bias"), size_t(spec.out.size()), -bound, bound);
        } else if (spec.kind == ganvas::LayerKind::BatchNorm1d) {
            const size_t f = size_t(spec.out.size());
            rng.fill_uniform(net.values(i, "weight"), f, 0.5f, 1.5f);
            rng.fill_uniform(net.values(i, "bias"), f, -0.5f, 0.5f);
            std::fill_n(net.values(i, "running_mean"), f, 0.0f);
            std::fill_n(net.values(i, "running_var"), f, 1.0f);
            net.counter(i) = 0;
        }
    }
}

// G then D from Rng(1234, 77), as make_reference.py's fresh_networks().
inline void derive_gan_weights(ganvas::Sequential& g, ganvas::Sequential& d) {
    ganvas::Rng rng(kWeightSeed, kWeightStream);
    derive_weights(g, rng);
    derive_weights(d, rng);
}

inline ganvas::Matrix draw_normal(ganvas::Rng& rng, int rows, int cols) {
    ganvas::Matrix m(rows, cols);
    rng.fill_normal(m.data(), size_t(m.size()));
    return m;
}

inline ganvas::Matrix draw_images(ganvas::Rng& rng, int rows) {
    ganvas::Matrix m(rows, 784);
    rng.fill_uniform(m.data(), size_t(m.size()), -1.0f, 1.0f);
    return m;
}

// The inputs of make_reference.py's draw_inputs(), in the same order from Rng(1234, 78), batch 8:
// z0..z3, x, z_g, then (real, z_d, z_g) for each of ten training iterations.
constexpr int kReferenceBatch = 8;
struct ReferenceInputs {
    std::vector<ganvas::Matrix> z;  // z0..z3
    ganvas::Matrix x, z_g;
    std::vector<ganvas::Matrix> real, z_d_iter, z_g_iter;  // ten iterations
};

inline const ReferenceInputs& reference_inputs() {
    static const ReferenceInputs in = [] {
        ReferenceInputs v;
        ganvas::Rng rng(kInputSeed, kInputStream);
        for (int i = 0; i < 4; ++i) v.z.push_back(draw_normal(rng, kReferenceBatch, 100));
        v.x = draw_images(rng, kReferenceBatch);
        v.z_g = draw_normal(rng, kReferenceBatch, 100);
        for (int k = 0; k < 10; ++k) {
            v.real.push_back(draw_images(rng, kReferenceBatch));
            v.z_d_iter.push_back(draw_normal(rng, kReferenceBatch, 100));
            v.z_g_iter.push_back(draw_normal(rng, kReferenceBatch, 100));
        }
        return v;
    }();
    return in;
}

// [SECTION] Comparisons

// Per-element allowance rel * (|expected| + scale) + abs. scale < 0 means the tensor's own rms.
struct Tolerance {
    double rel = 0;
    double scale = -1;
    double abs = 0;
    const char* why = "";  // printed when the tolerance is not the plain relative one
};

struct Comparison {
    std::string what;
    double max_abs = 0;    // largest |actual - expected|
    double worst = 0;      // largest |actual - expected| / allowed: passes when <= 1
    size_t worst_index = 0;
    double actual = 0, expected = 0;  // at worst_index
};

inline void report(const Comparison& c, const Tolerance& tol) {
    std::printf("[reference] %-52s max |diff| %9.3g = %6.1f%% of allowed (rel %.0e%s%s)\n", c.what.c_str(), c.max_abs,
                100.0 * c.worst, tol.rel, *tol.why ? "; " : "", tol.why);
    INFO(c.what << ": largest |diff| " << c.max_abs << "; worst at index " << c.worst_index << ": actual " << c.actual
                << " vs PyTorch " << c.expected << ", " << c.worst << " x the allowed difference (rel " << tol.rel
                << ", scale " << tol.scale << ", abs " << tol.abs << ")");
    CHECK(c.worst <= 1.0);
}

inline double rms_of(const float* v, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += double(v[i]) * v[i];
    return n ? std::sqrt(s / double(n)) : 0.0;
}

inline Comparison compare_values(const std::string& what, const float* actual, const std::vector<float>& expected,
                                 Tolerance tol) {
    Comparison c;
    c.what = what;
    if (tol.scale < 0) tol.scale = rms_of(expected.data(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        const double diff = std::fabs(double(actual[i]) - expected[i]);
        const double allowed = tol.rel * (std::fabs(expected[i]) + tol.scale) + tol.abs;
        double ratio = allowed > 0 ? diff / allowed : (diff > 0 ? INFINITY : 0.0);
        if (std::isnan(ratio)) ratio = INFINITY;  // a NaN anywhere fails
        c.max_abs = std::max(c.max_abs, diff);
        if (ratio > c.worst || (i == 0 && ratio == 0)) {
            c.worst = ratio;
            c.worst_index = i;
            c.actual = actual[i];
            c.expected = expected[i];
        }
    }
    return c;
}

inline void check_full(const ReferenceFile& ref, const std::string& name, const float* actual, size_t n, Tolerance tol) {
    const std::vector<float> expected = ref.f32(name);
    REQUIRE(expected.size() == n);
    report(compare_values(name, actual, expected, tol), tol);
}

inline void check_scalar(const std::string& what, double actual, double expected, double rel) {
    Comparison c;
    c.what = what;
    c.max_abs = std::fabs(actual - expected);
    c.worst = std::isnan(actual) ? INFINITY : c.max_abs / (rel * std::fabs(expected));
    c.actual = actual;
    c.expected = expected;
    report(c, Tolerance{rel});
}

// A tensor stored as prefix.sample / .sum / .sumsq (see make_reference.py's summarise). With
// a_i = rel |e_i| + c the per-element allowance (c = rel scale + abs), the sum may move by at most
// sum(a_i) <= rel sqrt(n sumsq) + n c, and the sum of squares by at most
// sum(2 |e_i| a_i + a_i^2) <= 2 rel sumsq + 2 c sqrt(n sumsq) + 2 rel^2 sumsq + 2 n c^2.
inline void check_summary(const ReferenceFile& ref, const std::string& prefix, const float* actual, size_t n,
                          Tolerance tol) {
    const std::vector<float> sample = ref.f32(prefix + ".sample");
    const double sum = ref.scalar(prefix + ".sum"), sumsq = ref.scalar(prefix + ".sumsq");
    const size_t k = std::min<size_t>(64, n);
    REQUIRE(sample.size() == k);
    std::vector<float> picked(k);
    for (size_t i = 0; i < k; ++i) picked[i] = actual[(i * n) / k];
    if (tol.scale < 0) tol.scale = std::sqrt(sumsq / double(n));
    Comparison c = compare_values(prefix, picked.data(), sample, tol);
    double my_sum = 0, my_sumsq = 0;
    for (size_t i = 0; i < n; ++i) {
        my_sum += actual[i];
        my_sumsq += double(actual[i]) * actual[i];
    }
    const double cc = tol.rel * tol.scale + tol.abs, root = std::sqrt(double(n) * sumsq), nn = double(n);
    const double sum_allowed = tol.rel * root + nn * cc;
    const double sumsq_allowed = 2 * tol.rel * sumsq + 2 * cc * root + 2 * tol.rel * tol.rel * sumsq + 2 * nn * cc * cc;
    double sum_ratio = std::fabs(my_sum - sum) / (sum_allowed + 1e-300);
    double sumsq_ratio = std::fabs(my_sumsq - sumsq) / (sumsq_allowed + 1e-300);
    if (std::isnan(sum_ratio)) sum_ratio = INFINITY;
    if (std::isnan(sumsq_ratio)) sumsq_ratio = INFINITY;
    INFO(prefix << ": sum " << my_sum << " vs PyTorch " << sum << " (" << sum_ratio << " x allowed); sum of squares "
                << my_sumsq << " vs " << sumsq << " (" << sumsq_ratio << " x allowed)");
    if (std::max(sum_ratio, sumsq_ratio) > std::max(c.worst, 1.0)) c.what += sum_ratio > sumsq_ratio ? " [sum]" : " [sumsq]";
    c.worst = std::max({c.worst, sum_ratio, sumsq_ratio});
    report(c, tol);
}

// The bias of a Linear layer that feeds a BatchNorm1d: in training mode BatchNorm subtracts
// the batch mean, so the loss does not depend on that bias and its gradient is exactly zero in
// exact arithmetic; what either side computes for it is rounding noise.
inline bool feeds_batchnorm(const ganvas::Sequential& net, size_t layer) {
    return net.layers[layer].spec.kind == ganvas::LayerKind::Linear && layer + 1 < net.layers.size() &&
           net.layers[layer + 1].spec.kind == ganvas::LayerKind::BatchNorm1d;
}

// The layer index of a tensor named "model.<i>.<...>".
inline size_t layer_of(const ganvas::TensorInfo& t) { return size_t(std::stoul(t.name.substr(6))); }

// Every tensor of net (parameters and running statistics, or the parameters' gradients when
// from_grads) against prefix.<state_dict name>; special(t, &tol) may adjust a tensor's tolerance.
template <typename Special>
void check_network(const ReferenceFile& ref, const std::string& prefix, const ganvas::Sequential& net, bool from_grads,
                   Tolerance base, Special special) {
    for (const ganvas::TensorInfo& t : net.tensors) {
        if (t.store == ganvas::TensorStore::Counter) continue;
        if (from_grads && t.store != ganvas::TensorStore::Params) continue;
        const float* values = t.store == ganvas::TensorStore::Buffers ? &net.buffers[t.offset]
                              : from_grads                          ? &net.grads[t.offset]
                                                                    : &net.params[t.offset];
        Tolerance tol = base;
        special(t, &tol);
        check_summary(ref, prefix + "." + t.name, values, t.size, tol);
    }
}

// The trained generator's weights after training iterations: the biases feeding a BatchNorm
// (gradient: rounding noise only, which Adam turns into steps of up to lr) and the running means
// tracking them get `drift` (iterations x lr) absolute; every other tensor keeps `base`.
inline void check_trained_generator(const ReferenceFile& ref, const std::string& prefix, const ganvas::Sequential& g,
                                    Tolerance base, double drift) {
    check_network(ref, prefix, g, false, base, [&](const ganvas::TensorInfo& t, Tolerance* tol) {
        const size_t layer = layer_of(t);
        const bool noisy_bias = feeds_batchnorm(g, layer) && t.name.find(".bias") != std::string::npos;
        const bool tracking_mean = layer > 0 && feeds_batchnorm(g, layer - 1) && t.name.find("running_mean") != std::string::npos;
        if (!noisy_bias && !tracking_mean) return;
        tol->abs = drift;
        tol->why = noisy_bias ? "bias before BatchNorm: Adam-amplified noise" : "tracks a bias before it";
    });
}

inline void check_network(const ReferenceFile& ref, const std::string& prefix, const ganvas::Sequential& net,
                          bool from_grads, Tolerance base) {
    check_network(ref, prefix, net, from_grads, base, [](const ganvas::TensorInfo&, Tolerance*) {});
}

}  // namespace ganvas_test
