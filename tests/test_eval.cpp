// test_eval.cpp - the digit classifier and the metrics of generated digits (core/eval), and the
// softmax cross-entropy they train with (nn/loss.h).
//   - softmax cross-entropy, forward and gradient, against PyTorch (tests/reference/eval_reference.safetensors,
//     written by make_eval_reference.py); feature statistics and the Fréchet distance against numpy/scipy
//   - the classifier the build trained (assets/CMakeLists.txt): held-out accuracy >= 97.5 %, its hash
//     pinned (the same natively and in wasm), loader refusals
//   - FD sanity on real digits: two halves of the held-out digits are close, noise is far
#include <catch2/catch.hpp>

#include <cmath>
#include <chrono>
#include <cstring>

#include "base/file_io.h"
#include "base/hash.h"
#include "eval/classifier.h"
#include "eval/metrics.h"
#include "eval/score.h"
#include "gan/gan.h"
#include "gan/sampler.h"
#include "gan/streams.h"
#include "io/generator_file.h"
#include "io/link.h"
#include "io/safetensors.h"
#include "nn/loss.h"
#include "reference_support.h"
#include "test_support.h"

using namespace ganvas;
using ganvas_test::ReferenceFile;
using ganvas_test::Tolerance;

namespace {

const ReferenceFile& eval_reference() {
    static const ReferenceFile file(ganvas_test::reference_dir() + "/eval_reference.safetensors");
    return file;
}

std::vector<int64_t> i64(const ReferenceFile& ref, const std::string& name) {
    const SafetensorsTensor& t = ref.tensor(name);
    REQUIRE(t.dtype == SafetensorsDtype::I64);
    SafetensorsFile file;
    REQUIRE(safetensors_parse(ref.bytes().data(), ref.bytes().size(), &file));
    return file.values<int64_t>(*file.find(name));
}

Matrix f32_matrix(const ReferenceFile& ref, const std::string& name) {
    const SafetensorsTensor& t = ref.tensor(name);
    REQUIRE(t.shape.size() == 2);
    const std::vector<float> v = ref.f32(name);
    Matrix m(long(t.shape[0]), long(t.shape[1]));
    std::memcpy(m.data(), v.data(), v.size() * sizeof(float));
    return m;
}

// The classifier the build trained, read once per test run.
const std::vector<uint8_t>& classifier_bytes() {
    static const std::vector<uint8_t> bytes = [] {
        std::vector<uint8_t> b;
        const Status s = file_read_all(GANVAS_TEST_CLASSIFIER, &b);
        if (!s) FAIL("cannot read the built classifier (assets/CMakeLists.txt builds it): " << s.message);
        return b;
    }();
    return bytes;
}

const Classifier& built_classifier() {
    static const Classifier c = [] {
        Classifier loaded;
        const Status s = classifier_load(classifier_bytes().data(), classifier_bytes().size(), &loaded);
        if (!s) FAIL("the built classifier does not load: " << s.message);
        return loaded;
    }();
    return c;
}

const Dataset& digits() {
    static const Dataset data = [] {
        Dataset d;
        const Status s = dataset_load_idx(GANVAS_TEST_MNIST_IMAGES, GANVAS_TEST_MNIST_LABELS, &d);
        if (!s) FAIL("cannot load the built-in digits: " << s.message);
        return d;
    }();
    return data;
}

// The classifier file rewritten with one change: edit(metadata, entries) before serialising again.
template <typename Edit>
std::vector<uint8_t> rewritten(Edit edit) {
    SafetensorsFile file;
    REQUIRE(safetensors_parse(classifier_bytes().data(), classifier_bytes().size(), &file));
    std::vector<std::pair<std::string, std::string>> metadata = file.metadata;
    std::vector<SafetensorsEntry> entries;
    for (const SafetensorsTensor& t : file.tensors)
        entries.push_back({t.name, t.dtype, t.shape, std::vector<uint8_t>(file.data + t.begin, file.data + t.end)});
    edit(metadata, entries);
    return safetensors_serialize(metadata, entries);
}

void set_metadata(std::vector<std::pair<std::string, std::string>>& metadata, const std::string& key, const std::string& value) {
    for (auto& kv : metadata)
        if (kv.first == key) kv.second = value;
}

std::string load_error(const std::vector<uint8_t>& bytes) {
    Classifier c;
    const Status s = classifier_load(bytes.data(), bytes.size(), &c);
    return s ? std::string() : s.message;
}

}  // namespace

// [SECTION] Softmax cross-entropy against PyTorch

TEST_CASE("softmax cross-entropy matches PyTorch's F.cross_entropy, forward and gradient", "[eval][reference]") {
    const ReferenceFile& ref = eval_reference();
    const std::vector<float> logits = ref.f32("ce.logits");
    const std::vector<int64_t> labels64 = i64(ref, "ce.labels");
    const int n = int(labels64.size()), classes = int(logits.size()) / n;
    REQUIRE(classes == 10);
    std::vector<uint8_t> labels(labels64.begin(), labels64.end());
    std::vector<float> grad(logits.size());
    const double loss = softmax_cross_entropy(logits.data(), n, classes, labels.data(), grad.data(), 1.0f);
    // Both sides compute log-sum-exp of float32 logits shifted by the row max; torch sums the exps
    // in float32 and returns a float32 mean, Ganvas the log in double: they agree to float32
    // rounding of values up to ~80 (a few ulp of 3.2).
    ganvas_test::check_scalar("ce.loss", loss, ref.scalar("ce.loss"), 1e-6);
    // Gradient entries (p - onehot) / 8: one float exp, a float sum of 10 terms and a division
    // each; 1e-6 of the entry plus 1e-6 of the rms covers a few float32 ulp, the rms floor the
    // entries of ~1e-36 (rows of -80 logits) whose exact values both sides round differently.
    ganvas_test::check_full(ref, "ce.grad", grad.data(), grad.size(),
                            Tolerance{1e-6, -1, 0, "float32 exp/sum/divide: a few ulp"});
    // Without d_logits: the same loss, nothing written.
    CHECK(softmax_cross_entropy(logits.data(), n, classes, labels.data(), nullptr, 1.0f) == loss);
    // scale multiplies the gradient only.
    std::vector<float> half(logits.size());
    softmax_cross_entropy(logits.data(), n, classes, labels.data(), half.data(), 0.5f);
    for (size_t i = 0; i < half.size(); ++i) CHECK(half[i] == Approx(0.5 * grad[i]).margin(1e-12));
    // softmax_rows gives probabilities: rows sum to 1, no overflow at +80.
    std::vector<float> probs(logits.size());
    softmax_rows(logits.data(), n, classes, probs.data());
    for (int r = 0; r < n; ++r) {
        double sum = 0;
        for (int j = 0; j < classes; ++j) sum += probs[size_t(r * classes + j)];
        CHECK(sum == Approx(1.0).epsilon(1e-6));
    }
    CHECK(probs[1 * 10 + 3] == 1.0f);
}

// [SECTION] Feature statistics and the Fréchet distance against numpy/scipy

TEST_CASE("feature statistics and the Fréchet distance match numpy and scipy", "[eval][reference]") {
    const ReferenceFile& ref = eval_reference();
    for (const char* name : {"full", "deficient"}) {
        const std::string p = std::string("fd.") + name;
        const Matrix a = f32_matrix(ref, p + ".a"), b = f32_matrix(ref, p + ".b");
        const FeatureStats sa = feature_stats(const_view_of(a)), sb = feature_stats(const_view_of(b));
        // Mean and covariance in double from float32 inputs, each entry one sum of 400 products:
        // numpy sums pairwise, Ganvas in order; both ~1e-16 x 400 of the entries' scale.
        const std::vector<double> mean = ref.f64(p + ".mean_a"), cov = ref.f64(p + ".cov_a");
        double mean_err = 0, cov_err = 0, cov_scale = 0;
        for (size_t i = 0; i < mean.size(); ++i) mean_err = std::max(mean_err, std::fabs(sa.mean[long(i)] - mean[i]));
        for (size_t i = 0; i < cov.size(); ++i) {
            cov_err = std::max(cov_err, std::fabs(sa.cov.data()[i] - cov[i]));
            cov_scale = std::max(cov_scale, std::fabs(cov[i]));
        }
        INFO(name << ": mean error " << mean_err << ", covariance error " << cov_err << " of " << cov_scale);
        CHECK(mean_err < 1e-12);
        CHECK(cov_err < 1e-12 * cov_scale);
        CHECK(sa.count == int(a.rows()));
        // FD: scipy's sqrtm of the non-symmetric S_a S_b (Schur method) against Ganvas's eigen-solver
        // of the symmetric S_a^1/2 S_b S_a^1/2. Full rank: both are accurate to ~1e-13 of FD (measured
        // 5e-13 absolute of 44): 1e-10. Rank 11 of 16 ("deficient"): the product has five zero
        // eigenvalues, where scipy's sqrtm loses accuracy (numpy's eigh on the symmetric form agrees
        // with Ganvas to 1e-12 but differs from scipy by 1.2e-7 of 70): 1e-8 relative.
        const double expected = ref.scalar(p + ".fd");
        const double fd = frechet_distance(sa, sb);
        ganvas_test::check_scalar(p + ".fd", fd, expected, std::string(name) == "full" ? 1e-10 : 1e-8);
        // The prepared reference gives the same number; a set against itself is 0 (up to rounding
        // of Tr(S) - 2 Tr(S), about 1e-12 of Tr(S)).
        CHECK(frechet_distance(frechet_reference(sa), sb) == fd);
        CHECK(std::fabs(frechet_distance(sa, sa)) < 1e-9 * sa.cov.trace());
    }
}

TEST_CASE("psd_sqrt squares back and clamps the negative rounding of a singular matrix", "[eval]") {
    // A rank-1 matrix v v^T: eigenvalues |v|^2 and 0 (computed as +-1e-15 or so), root v v^T / |v|.
    // Unclamped, a negative one would make the root NaN. A positive rounding error e stays and
    // becomes sqrt(e) ~ 3e-8 in the root (the square root of rounding noise): hence 1e-7 below.
    Eigen::MatrixXd s(3, 3);
    const Eigen::Vector3d v(1.0, 2.0, 3.0);
    s = v * v.transpose();
    const Eigen::MatrixXd r = psd_sqrt(s);
    CHECK(r.allFinite());
    CHECK((r * r - s).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((r - s / v.norm()).cwiseAbs().maxCoeff() < 1e-7);
    Eigen::MatrixXd zero = Eigen::MatrixXd::Zero(4, 4);
    CHECK(psd_sqrt(zero).cwiseAbs().maxCoeff() == 0.0);
}

// [SECTION] Class metrics

TEST_CASE("class metrics: histogram, modes, KL to uniform, confident share", "[eval]") {
    // 40 samples: 20 of class 3 (confident), 19 of class 7 (p = 0.5 each: not confident), 1 of class 0.
    Matrix probs = Matrix::Constant(40, 10, 0.0f);
    for (int r = 0; r < 20; ++r) probs(r, 3) = 0.95f, probs(r, 1) = 0.05f;
    for (int r = 20; r < 39; ++r) probs(r, 7) = 0.5f, probs(r, 2) = 0.4f, probs(r, 5) = 0.1f;
    probs(39, 0) = 0.9f, probs(39, 9) = 0.1f;  // exactly the threshold: confident
    const ClassMetrics m = class_metrics(const_view_of(probs));
    CHECK(m.count == 40);
    CHECK(m.histogram[3] == 20);
    CHECK(m.histogram[7] == 19);
    CHECK(m.histogram[0] == 1);
    CHECK(m.modes == 3);  // 1 of 40 = 2.5 %: exactly the bar counts
    CHECK(m.confident == Approx(21.0 / 40));
    const double p3 = 0.5, p7 = 19.0 / 40, p0 = 1.0 / 40;
    CHECK(m.kl_uniform == Approx(p3 * std::log(10 * p3) + p7 * std::log(10 * p7) + p0 * std::log(10 * p0)));
    // Even spread: KL 0, ten modes; one class: KL log 10, one mode.
    std::array<int, 10> even{};
    even.fill(7);
    CHECK(histogram_kl_uniform(even) == Approx(0.0).margin(1e-15));
    std::array<int, 10> one{};
    one[4] = 100;
    CHECK(histogram_kl_uniform(one) == Approx(std::log(10.0)));
    CHECK(histogram_kl_uniform(std::array<int, 10>{}) == 0.0);
}

// [SECTION] The built classifier

TEST_CASE("the built classifier reaches 97.5 % on the held-out digits, and its file is pinned", "[eval][classifier]") {
    const Classifier& c = built_classifier();
    const Dataset& data = digits();
    const std::vector<uint32_t> held_out = classifier_held_out_indices(data.count);
    REQUIRE(held_out.size() == 1000);
    for (uint32_t i : held_out) REQUIRE(i % 10 == 9);
    // The held-out tenth is class-balanced (the digits are sorted by class): every class has 80-120.
    std::array<int, 10> per_class{};
    for (uint32_t i : held_out) ++per_class[data.labels[i]];
    for (int k : per_class) CHECK((k >= 80 && k <= 120));
    const double accuracy = classifier_accuracy(c, data, held_out);
    std::printf("[eval] built classifier: held-out accuracy %.4f, file hash %s, weight hash %s\n", accuracy,
                hash_hex(hash64(classifier_bytes().data(), classifier_bytes().size())).c_str(),
                hash_hex(classifier_weight_hash(c)).c_str());
    CHECK(accuracy >= 0.975);  // issue 10's bar
    CHECK(accuracy == Approx(c.held_out_accuracy).margin(5e-5));  // the file's metadata says the same
    CHECK(c.held_out_count == 1000);
    CHECK(c.reference.count == 1000);
    CHECK(c.data_hash == dataset_content_hash(data));
    CHECK(c.trained_with.seed == 1);
    CHECK(c.trained_with.epochs == 30);
    // Pinned: `ganvas classifier --seed 1 --epochs 30` gives these bytes natively and in wasm (the
    // core's Rng, GEMM without FMA, float exp in the loss; statistics summed in a fixed order).
    // A change that moves them changes what every FD means: re-pin knowingly.
    CHECK(hash_hex(hash64(classifier_bytes().data(), classifier_bytes().size())) == "11dec7248f562376");
    CHECK(hash_hex(classifier_weight_hash(c)) == "a7648acec79d689c");
}

TEST_CASE("the classifier's reference statistics are the held-out digits' features", "[eval][classifier]") {
    const Classifier& c = built_classifier();
    const Dataset& data = digits();
    const std::vector<uint32_t> held_out = classifier_held_out_indices(data.count);
    Matrix images(long(held_out.size()), 784);
    dataset_gather(data, held_out.data(), int(held_out.size()), view_of(images));
    SequentialCache cache;
    ClassifierOutputs out;
    classifier_run(c, cache, const_view_of(images), &out);
    const FeatureStats stats = feature_stats(const_view_of(out.features));
    CHECK(stats.mean == c.reference.mean);  // bit for bit: the same code on the same floats
    CHECK(stats.cov == c.reference.cov);
    // Probabilities are rows of a softmax.
    CHECK((out.probs.rowwise().sum().array() - 1.0f).abs().maxCoeff() < 1e-5f);
}

TEST_CASE("FD sanity on real digits: held-out halves are close, noise and one class are far", "[eval][classifier]") {
    const Classifier& c = built_classifier();
    const Dataset& data = digits();
    const std::vector<uint32_t> held_out = classifier_held_out_indices(data.count);
    std::vector<uint32_t> even, odd;
    for (size_t i = 0; i < held_out.size(); ++i) (i % 2 ? odd : even).push_back(held_out[i]);
    SequentialCache cache;
    auto stats_of = [&](const Matrix& images, ClassMetrics* metrics) {
        ClassifierOutputs out;
        classifier_run(c, cache, const_view_of(images), &out);
        if (metrics) *metrics = class_metrics(const_view_of(out.probs));
        return feature_stats(const_view_of(out.features));
    };
    auto gather = [&](const std::vector<uint32_t>& idx) {
        Matrix m(long(idx.size()), 784);
        dataset_gather(data, idx.data(), int(idx.size()), view_of(m));
        return m;
    };
    ClassMetrics real_metrics;
    const FeatureStats a = stats_of(gather(even), &real_metrics), b = stats_of(gather(odd), nullptr);
    const double halves = frechet_distance(a, b);
    Matrix noise(500, 784);
    Rng rng(5, 0);
    rng.fill_uniform(noise.data(), size_t(noise.size()), -1.0f, 1.0f);
    const double to_noise = frechet_distance(a, stats_of(noise, nullptr));
    std::vector<uint32_t> ones;
    for (uint32_t i : classifier_training_indices(data.count))
        if (data.labels[i] == 1 && ones.size() < 500) ones.push_back(i);
    ClassMetrics ones_metrics;
    const double to_ones = frechet_distance(a, stats_of(gather(ones), &ones_metrics));
    std::printf("[eval] FD held-out halves %.3f, to uniform noise %.1f, to 500 ones %.1f; real: %d modes, KL %.4f, confident %.3f\n",
                halves, to_noise, to_ones, real_metrics.modes, real_metrics.kl_uniform, real_metrics.confident);
    CHECK(halves >= 0);
    // Two halves of 500 real digits are not 0 apart: a covariance of 128 features from 500 samples
    // carries sampling noise (measured 10.2, against 607 to the ones and 756 to noise).
    CHECK(halves < 0.03 * to_ones);
    CHECK(halves < 0.03 * to_noise);
    CHECK(real_metrics.modes == 10);
    CHECK(real_metrics.kl_uniform < 0.01);
    CHECK(real_metrics.confident > 0.9);
    CHECK(ones_metrics.modes == 1);
    CHECK(ones_metrics.kl_uniform > 2.0);
}

// [SECTION] Loader refusals

TEST_CASE("the classifier loader refuses corrupt and foreign files with a clear message", "[eval][classifier]") {
    REQUIRE(load_error(classifier_bytes()).empty());
    // Truncated: the container says so.
    std::vector<uint8_t> cut(classifier_bytes().begin(), classifier_bytes().begin() + 1000);
    CHECK(load_error(cut).find("not a usable classifier file") != std::string::npos);
    // One weight's bits flipped: the weight hash catches it.
    std::vector<uint8_t> flipped = classifier_bytes();
    flipped[flipped.size() / 3] ^= 0x10;
    CHECK(load_error(flipped).find("hash") != std::string::npos);
    // A generator file, or anything else, by its format.
    CHECK(load_error(rewritten([](auto& md, auto&) { set_metadata(md, "format", "ganvas-generator"); }))
              .find("a generator") != std::string::npos);
    CHECK(load_error(rewritten([](auto& md, auto&) { set_metadata(md, "format_version", "2"); })).find("format_version 2") !=
          std::string::npos);
    CHECK(load_error(rewritten([](auto& md, auto&) { set_metadata(md, "architecture", "Linear(784, 10)"); }))
              .find("architecture") != std::string::npos);
    CHECK(load_error(rewritten([](auto& md, auto&) { set_metadata(md, "epochs", "many"); })).find("\"epochs\"") !=
          std::string::npos);
    CHECK(load_error(rewritten([](auto& md, auto&) { set_metadata(md, "held_out_accuracy", "1.5"); }))
              .find("held_out_accuracy") != std::string::npos);
    // Tensors: a missing one, a wrong shape, a wrong dtype, a stranger, a NaN, an asymmetric covariance.
    CHECK(load_error(rewritten([](auto&, auto& e) { e.erase(e.begin()); })).find("'model.0.weight' is missing") !=
          std::string::npos);
    CHECK(load_error(rewritten([](auto&, auto& e) {
              for (auto& t : e)
                  if (t.name == "model.4.bias") t.shape = {2, 5};
          })).find("shape [2, 5]") != std::string::npos);
    CHECK(load_error(rewritten([](auto&, auto& e) {
              for (auto& t : e)
                  if (t.name == "reference.mean") {
                      std::vector<float> f(kClassifierFeatures, 0.0f);
                      t = SafetensorsEntry::of("reference.mean", SafetensorsDtype::F32, {kClassifierFeatures}, f.data(), f.size());
                  }
          })).find("is F32, not F64") != std::string::npos);
    CHECK(load_error(rewritten([](auto&, auto& e) {
              const float one = 1.0f;
              e.push_back(SafetensorsEntry::of("extra", SafetensorsDtype::F32, {1}, &one, 1));
          })).find("unknown tensor 'extra'") != std::string::npos);
    CHECK(load_error(rewritten([](auto&, auto& e) {
              const float nan = std::nanf("");
              std::memcpy(e[0].bytes.data() + 40, &nan, sizeof nan);
          })).find("non-finite") != std::string::npos);
    CHECK(load_error(rewritten([](auto&, auto& e) {
              for (auto& t : e)
                  if (t.name == "reference.cov") {
                      double v = 0;
                      std::memcpy(&v, t.bytes.data() + 8, 8);
                      v += 1.0;
                      std::memcpy(t.bytes.data() + 8, &v, 8);
                  }
          })).find("not symmetric") != std::string::npos);
    // The failed loads left *out untouched.
    Classifier untouched;
    untouched.held_out_accuracy = 0.123;
    CHECK_FALSE(classifier_load(flipped.data(), flipped.size(), &untouched));
    CHECK(untouched.held_out_accuracy == 0.123);
}

TEST_CASE("classifier training refuses unusable data and settings", "[eval]") {
    Dataset d = digits();
    ClassifierTrainConfig config;
    Classifier c;
    Dataset unlabelled = d;
    unlabelled.labels.clear();
    CHECK(classifier_train(unlabelled, config, &c).message.find("labels") != std::string::npos);
    Dataset bad = d;
    bad.labels[5] = 12;
    CHECK(classifier_train(bad, config, &c).message.find("label 12 of image 5") != std::string::npos);
    config.epochs = 0;
    CHECK(classifier_train(d, config, &c).message.find("epochs") != std::string::npos);
}

// [SECTION] Scoring generators

TEST_CASE("the held-out digits score FD 0 against their own reference, ten modes", "[eval][classifier]") {
    const Classifier& c = built_classifier();
    const Dataset& data = digits();
    const std::vector<uint32_t> held_out = classifier_held_out_indices(data.count);
    Matrix images(long(held_out.size()), 784);
    dataset_gather(data, held_out.data(), int(held_out.size()), view_of(images));
    Scorer scorer(c);
    const EvalScores e = scorer.score(const_view_of(images));
    // The same statistics on both sides: FD = Tr(S) + Tr(S) - 2 sum sqrt(eig(S^1/2 S S^1/2)), which
    // rounding leaves at ~1e-12 of Tr(S) (the feature variances sum to ~Tr(S)).
    INFO("FD " << e.fd << ", Tr(S) " << c.reference.cov.trace());
    CHECK(std::fabs(e.fd) < 1e-9 * c.reference.cov.trace());
    CHECK(e.count == 1000);
    CHECK(e.classes.modes == 10);
    CHECK(e.classes.confident > 0.9);
}

TEST_CASE("eval_generator_images: the grid's z through G in batches, BatchNorm on batch statistics", "[eval]") {
    Gan gan(GanConfig{}, 7);
    const Sequential& g = gan.sample_generator();
    // 130 = 64 + 64 + 2; 129 = 64 + 65 (a last batch of one joins the one before).
    for (int count : {130, 129}) {
        Matrix images(count, 784);
        eval_generator_images(g, 7, 0, 64, view_of(images));
        REQUIRE(images.allFinite());
        // The first batch is exactly `ganvas sample --bn train` of the z of (7, 0..63).
        Matrix z(64, 100), first(64, 784);
        sample_z_rows(7, 0, view_of(z));
        SequentialCache cache;
        sample_images(g, cache, const_view_of(z), view_of(first), BatchNormMode::TrainNoUpdate);
        CHECK(images.topRows(64) == first);
        // The last rows are a batch of their own (2, or 65 with the single one taken in).
        const int last = count == 130 ? 2 : 65;
        Matrix z_last(last, 100), tail(last, 784);
        sample_z_rows(7, uint64_t(count - last), view_of(z_last));
        sample_images(g, cache, const_view_of(z_last), view_of(tail), BatchNormMode::TrainNoUpdate);
        CHECK(images.bottomRows(last) == tail);
    }
}

TEST_CASE("scoring during training leaves the run's bits alone", "[eval][classifier]") {
    const Dataset& data = digits();
    Gan plain(GanConfig{}, 3), scored(GanConfig{}, 3);
    Scorer scorer(built_classifier());
    Matrix images(200, 784);
    for (int i = 0; i < 12; ++i) {
        plain.train_step(data);
        scored.train_step(data);
        if (i % 4 == 3) {
            eval_generator_images(scored.sample_generator(), 3, 0, scored.config().batch_size, view_of(images));
            (void)scorer.score(const_view_of(images));
        }
    }
    CHECK(generator_weight_hash(plain.generator()) == generator_weight_hash(scored.generator()));
    CHECK(plain.discriminator().params == scored.discriminator().params);
}

#ifdef GANVAS_TEST_SHIPPED_GENERATOR  // every tree but the sanitized one (GANVAS_SHIPPED_ASSETS)
TEST_CASE("the shipped generator and a fresh one, measured", "[eval][classifier]") {
    std::vector<uint8_t> bytes;
    REQUIRE(file_read_all(GANVAS_TEST_SHIPPED_GENERATOR, &bytes));
    GeneratorModel model;
    REQUIRE(generator_model_load(bytes.data(), bytes.size(), &model));
    Scorer scorer(built_classifier());
    Matrix images(2000, 784);
    eval_generator_images(model.generator, model.recipe.seed, 0, model.config.batch_size, view_of(images));
    const EvalScores shipped = scorer.score(const_view_of(images));
    Gan fresh(model.config, model.recipe.seed);
    eval_generator_images(fresh.sample_generator(), model.recipe.seed, 0, model.config.batch_size, view_of(images));
    const EvalScores untrained = scorer.score(const_view_of(images));
    std::printf("[eval] shipped generator (step %lld): FD %.2f, modes %d, KL %.4f, confident %.3f; fresh: FD %.1f, modes %d, "
                "KL %.3f, confident %.3f\n", (long long)model.step, shipped.fd, shipped.classes.modes, shipped.classes.kl_uniform,
                shipped.classes.confident, untrained.fd, untrained.classes.modes, untrained.classes.kl_uniform,
                untrained.classes.confident);
    // Issue 10's account of the seed at 3,120 steps: most digits covered, unevenly, about half
    // recognisable (measured: FD 62.1, 9 modes, KL 0.137, confident 0.469). The bounds are wide
    // on purpose (a changed engine moves the numbers, the pinned hashes catch that); what must
    // hold is the order: trained far better than untrained.
    CHECK(model.step == 3120);
    CHECK(shipped.classes.modes >= 8);
    CHECK((shipped.classes.confident > 0.3 && shipped.classes.confident < 0.7));
    CHECK(shipped.fd < 0.2 * untrained.fd);
    CHECK(untrained.classes.confident < 0.05);
}
#endif

// [SECTION] Speed (hidden: run with `test_eval [.speed]`; prints, asserts nothing about time)

TEST_CASE("scoring 1,000 images: time of each part", "[.speed]") {
    const Classifier& c = built_classifier();
    Matrix images(1000, 784);
    Rng rng(3, 0);
    rng.fill_uniform(images.data(), size_t(images.size()), -1.0f, 1.0f);
    Scorer scorer(c);
    scorer.score(const_view_of(images));  // warm-up: the GEMM kernel choice, buffers
    SequentialCache cache;
    ClassifierOutputs out;
    classifier_run(c, cache, const_view_of(images), &out);
    auto best_ms = [](auto&& f) {
        double best = 1e30;
        for (int trial = 0; trial < 7; ++trial) {
            const auto t0 = std::chrono::steady_clock::now();
            f();
            best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        return best;
    };
    FeatureStats stats;
    const double network = best_ms([&] { classifier_run(c, cache, const_view_of(images), &out); });
    const double covariance = best_ms([&] { stats = feature_stats(const_view_of(out.features)); });
    const double fd = best_ms([&] { (void)frechet_distance(scorer.reference(), stats); });
    const double classes = best_ms([&] { (void)class_metrics(const_view_of(out.probs)); });
    const double whole = best_ms([&] { (void)scorer.score(const_view_of(images)); });
    const double reference = best_ms([&] { (void)frechet_reference(c.reference); });
    std::printf("[eval speed] 1,000 images: network %.2f ms, covariance %.2f ms, FD %.2f ms, class metrics %.3f ms; "
                "score() %.2f ms (%.2f GFLOP); preparing the reference (once) %.2f ms\n",
                network, covariance, fd, classes, whole, 2 * score_flops(1000) * 1e-9, reference);
}
