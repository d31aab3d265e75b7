// test_conv_reference.cpp - the convolutional layer kinds (Conv2d, ConvTranspose2d, BatchNorm2d,
// ReLU, Unflatten / Flatten) and Ganvas' arch=dcgan pair compute what PyTorch computes: each
// layer's forward and backward alone, then the DCGAN G and D forward, their gradients, and ten
// training iterations of the seed's loop.
//
// tests/reference/make_conv_reference.py writes tests/reference/conv_reference.safetensors (its
// docstring says what every tensor is, and the derivation rule extended to the convolutional
// kinds: Conv2d's bound 1/sqrt(C k k), ConvTranspose2d's 1/sqrt(O k k), BatchNorm2d as
// BatchNorm1d); weights and inputs are derived from Ganvas' stream, as in test_reference.cpp.
//
// Tolerances (float32, unit roundoff 6e-8), each with its reason at the check:
//   kLayer 1e-5 (rms floor): one convolution is one GEMM with inner sizes of at most 48 (C k k,
//     O k k, or C) in the forward and input gradient and up to 196 (N Ho Wo, N H W) in the weight
//     gradient, summed in another order than PyTorch's: ~1e-6 relative to the rms. BatchNorm2d's
//     mean and variance are sums of 120 terms, its backward's (g - mean(g) - x_hat mean(g x_hat))
//     cancels about a digit. Measured: the largest error is 6% of what kLayer allows, against
//     PyTorch's float32 and against float64 alike. ReLU is exact and checked with no tolerance.
//   kForwardNet 1e-5: the networks' forward (G, D logits, losses), as kForwardRel in
//     test_reference.cpp (measured: 15% of it at most).
//   kNet 1e-4 (rms floor): the DCGAN networks' gradients and ten iterations, as kGradientRel /
//     kWeightRel in test_reference.cpp: chains of GEMMs, two BatchNorms, Tanh, BCE; ten Adam
//     steps normalise each gradient difference, so they add up ~10 rounding-sized steps rather
//     than amplify them (measured: 2% of it at most, Adam-noise allowances aside).
// Able to fail: every single-layer case also holds outputs of WRONG layers (make_conv_reference.py:
// the kernel rotated 180 degrees, no bias, H and W swapped in the indexing, ConvTranspose2d's
// weight read in Conv2d's (O, C, k, k) layout, BatchNorm2d with the unbiased variance in the
// normalisation or the biased one in running_var, BatchNorm over the C*H*W features instead of
// per channel, ReLU passing the gradient at x == 0). The test measures Ganvas' result against
// each and requires it to be more than 10 x the tolerance away. Measured: the rotated kernel
// 1.6e5 - 3.8e5 x, no bias 2.0e4 - 3.8e4 x, H/W swapped 1.5e5 - 3.5e5 x, the (O, C) weight layout
// 2.2e5 - 2.9e5 x, the unbiased normalisation 3.1e2 x (1/240 relative), per-feature statistics
// 1.0e5 x, ReLU's gradient at 0 7.6e4 x; the closest, running_var from the biased variance
// (0.1 var / 119, ~2e-3), 1.3e2 x.
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>

#include "gan/gan.h"
#include "gan/networks.h"
#include "nn/layers.h"
#include "nn/loss.h"
#include "reference_support.h"

using namespace ganvas;
using namespace ganvas_test;

namespace {

constexpr int kLayerBatch = 4, kGanBatch = 8, kLatent = 16, kIterations = 10;
constexpr uint64_t kSeed = 1234, kLayerWeightStream = 90, kLayerInputStream = 91, kDcganInputStream = 92;
const Tolerance kLayer{1e-5};
const Tolerance kForwardNet{1e-5};
const Tolerance kNet{1e-4};
constexpr double kWrongApart = 10;  // a wrong variant must be at least this many tolerances away

const ReferenceFile& ref() {
    static const ReferenceFile file(reference_dir() + "/conv_reference.safetensors");
    return file;
}

// [SECTION] The derivation rule, extended (make_conv_reference.py derive_layer)

bool is_kind(const LayerSpec& s, std::initializer_list<const LayerRecord*> kinds) {
    return std::find(kinds.begin(), kinds.end(), s.kind) != kinds.end();
}

// Every layer's tensors in state_dict order from rng: Linear, Conv2d and ConvTranspose2d weight
// then bias ~ U(-1/sqrt(fan_in), +1/sqrt(fan_in)), fan_in PyTorch's (in features; C k k; O k k for
// the transposed weight (C, O, k, k)); BatchNorm1d / 2d weight ~ U(0.5, 1.5), bias ~ U(-0.5, 0.5),
// running mean 0, var 1, num_batches_tracked 0. Layers without tensors draw nothing.
void derive_conv_weights(Sequential& net, Rng& rng) {
    for (size_t i = 0; i < net.layers.size(); ++i) {
        const LayerSpec& s = net.layers[i].spec;
        const TensorInfo* weight = net.find_tensor(i, "weight");
        const TensorInfo* bias = net.find_tensor(i, "bias");
        if (is_kind(s, {LayerKind::Linear, LayerKind::Conv2d, LayerKind::ConvTranspose2d})) {
            const int fan_in = s.kind == LayerKind::Linear   ? int(s.in.size())
                               : s.kind == LayerKind::Conv2d ? s.in_channels * s.kernel * s.kernel
                                                             : s.out_channels * s.kernel * s.kernel;
            const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
            rng.fill_uniform(net.values(i, "weight"), weight->size, -bound, bound);
            rng.fill_uniform(net.values(i, "bias"), bias->size, -bound, bound);
        } else if (is_kind(s, {LayerKind::BatchNorm1d, LayerKind::BatchNorm2d})) {
            rng.fill_uniform(net.values(i, "weight"), weight->size, 0.5f, 1.5f);
            rng.fill_uniform(net.values(i, "bias"), bias->size, -0.5f, 0.5f);
            std::fill_n(net.values(i, "running_mean"), weight->size, 0.0f);
            std::fill_n(net.values(i, "running_var"), weight->size, 1.0f);
            net.counter(i) = 0;
        }
    }
}

std::vector<float> copy_of(const float* v, size_t n) { return std::vector<float>(v, v + n); }

// An I64 scalar of the file (num_batches_tracked), which ReferenceFile has no accessor for.
int64_t i64_scalar(const std::string& name) {
    SafetensorsFile file;
    const std::vector<uint8_t>& bytes = ref().bytes();
    REQUIRE(safetensors_parse(bytes.data(), bytes.size(), &file).ok);
    const SafetensorsTensor* t = file.find(name);
    REQUIRE(t != nullptr);
    REQUIRE(t->dtype == SafetensorsDtype::I64);
    const std::vector<int64_t> v = file.values<int64_t>(*t);
    REQUIRE(v.size() == 1);
    return v[0];
}

// `actual` must be more than kWrongApart tolerances from the stored (wrong) tensor `name`.
void check_far_from(const std::string& name, const std::vector<float>& actual, Tolerance tol) {
    const std::vector<float> wrong = ref().f32(name);
    REQUIRE(wrong.size() == actual.size());
    const double apart = compare_values(name, actual.data(), wrong, tol).worst;
    std::printf("[reference] %-52s %.3g x the tolerance away (must be > %.0f)\n", name.c_str(), apart, kWrongApart);
    CHECK(apart > kWrongApart);
}

// [SECTION] Single layers

// One case of make_conv_reference.py's layer_reference: the layer behind an Unflatten that states
// its input shape (so it is model.1), its derived tensors, x and d_out.
struct LayerCase {
    std::string name;
    Sequential net;
    Matrix x, d_out;
};

// All cases, derived in the script's order from the two streams (weights, inputs).
const std::vector<LayerCase>& layer_cases() {
    static const std::vector<LayerCase> cases = [] {
        Rng weights(kSeed, kLayerWeightStream), inputs(kSeed, kLayerInputStream);
        const std::vector<std::pair<std::string, std::vector<LayerSpec>>> specs = {
            {"conv_a", {LayerSpec::unflatten({3, 10, 10}), LayerSpec::conv2d(3, 5, 4, 2, 1)}},
            {"conv_b", {LayerSpec::unflatten({2, 7, 9}), LayerSpec::conv2d(2, 4, 3, 1, 0)}},
            {"convt_a", {LayerSpec::unflatten({4, 7, 7}), LayerSpec::conv_transpose2d(4, 3, 4, 2, 1)}},
            {"convt_b", {LayerSpec::unflatten({3, 5, 6}), LayerSpec::conv_transpose2d(3, 2, 3, 1, 0)}},
            {"bn2d", {LayerSpec::unflatten({3, 5, 6}), LayerSpec::batchnorm2d(3)}},
            {"relu", {LayerSpec::unflatten({3, 4, 5}), LayerSpec::relu()}},
        };
        std::vector<LayerCase> out;
        for (const auto& [name, layers] : specs) {
            LayerCase c{name, Sequential(layers), {}, {}};
            derive_conv_weights(c.net, weights);
            c.x = draw_normal(inputs, kLayerBatch, c.net.features_in());
            const SampleShape in = c.net.layers[1].spec.in;
            if (name == "bn2d")  // x * 2 + channel: exact multiply, one rounding (the script's order)
                for (int n = 0; n < kLayerBatch; ++n)
                    for (int j = 0; j < c.x.cols(); ++j) c.x(n, j) = c.x(n, j) * 2.0f + float(j / (in.h * in.w));
            if (name == "relu")  // exact zeros at every 5th flat index
                for (int64_t k = 0; k < c.x.size(); k += 5) c.x.data()[k] = 0.0f;
            c.d_out = draw_normal(inputs, kLayerBatch, c.net.features_out());
            out.push_back(std::move(c));
        }
        return out;
    }();
    return cases;
}

const LayerCase& layer_case(const std::string& name) {
    const std::vector<LayerCase>& cases = layer_cases();
    const auto it = std::find_if(cases.begin(), cases.end(), [&](const LayerCase& c) { return c.name == name; });
    REQUIRE(it != cases.end());
    return *it;
}

struct LayerResult {
    std::vector<float> out, d_in, d_weight, d_bias;
};

// Forward in Train mode, then backward of L = sum(out * d_out); checks everything the case stores.
LayerResult run_layer(const LayerCase& c, Sequential& net, Tolerance tol) {
    SequentialCache cache;
    LayerResult r;
    const ConstMatrixView out = sequential_forward(net, cache, const_view_of(c.x), BatchNormMode::Train);
    r.out = copy_of(out.data(), size_t(out.size()));
    check_full(ref(), c.name + ".out", r.out.data(), r.out.size(), tol);
    net.zero_grads();
    const ConstMatrixView d_in = sequential_backward(net, cache, const_view_of(c.d_out), true, true);
    r.d_in = copy_of(d_in.data(), size_t(d_in.size()));
    check_full(ref(), c.name + ".d_in", r.d_in.data(), r.d_in.size(), tol);
    if (const TensorInfo* w = net.find_tensor(1, "weight")) {
        r.d_weight = copy_of(&net.grads[w->offset], w->size);
        check_full(ref(), c.name + ".grad.weight", r.d_weight.data(), w->size, tol);
        const TensorInfo* b = net.find_tensor(1, "bias");
        r.d_bias = copy_of(&net.grads[b->offset], b->size);
        check_full(ref(), c.name + ".grad.bias", r.d_bias.data(), b->size, tol);
    }
    return r;
}

// The derived weights are the script's, bit for bit (integer PCG32 steps, correctly rounded
// float operations on both sides).
void require_derived(const LayerCase& c) {
    for (const char* name : {"weight", "bias"}) {
        const TensorInfo* t = c.net.find_tensor(1, name);
        REQUIRE(t != nullptr);
        const std::vector<float> stored = ref().f32(c.name + "." + name);
        REQUIRE(stored.size() == t->size);
        REQUIRE(copy_of(&c.net.params[t->offset], t->size) == stored);
    }
}

void check_convolution(const std::string& name, bool transposed, bool square) {
    const LayerCase& c = layer_case(name);
    REQUIRE(c.net.layers[1].spec.kind == (transposed ? LayerKind::ConvTranspose2d : LayerKind::Conv2d));
    require_derived(c);
    Sequential net = c.net;
    const LayerResult r = run_layer(c, net, kLayer);
    // Against the same layer in float64 (rounded once to float32): Ganvas' own rounding, not only
    // its agreement with PyTorch's float32 (which is within 4% of kLayer of float64, measured).
    check_full(ref(), name + ".f64.out", r.out.data(), r.out.size(), kLayer);
    check_full(ref(), name + ".f64.d_in", r.d_in.data(), r.d_in.size(), kLayer);
    check_full(ref(), name + ".f64.grad.weight", r.d_weight.data(), r.d_weight.size(), kLayer);
    const std::string wrong = name + ".wrong.";
    check_far_from(wrong + "flipped.out", r.out, kLayer);
    check_far_from(wrong + "flipped.d_in", r.d_in, kLayer);
    check_far_from(wrong + "flipped.grad.weight", r.d_weight, kLayer);
    check_far_from(wrong + "no_bias.out", r.out, kLayer);
    if (!square) {
        check_far_from(wrong + "hw_swapped.out", r.out, kLayer);
        check_far_from(wrong + "hw_swapped.d_in", r.d_in, kLayer);
        check_far_from(wrong + "hw_swapped.grad.weight", r.d_weight, kLayer);
    }
    if (transposed) {
        check_far_from(wrong + "weight_out_in.out", r.out, kLayer);
        check_far_from(wrong + "weight_out_in.d_in", r.d_in, kLayer);
    }
}

// [SECTION] The DCGAN pair

GanConfig dcgan_config() {
    GanConfig c;
    c.arch = "dcgan";
    c.latent_dim = kLatent;
    c.g_hidden = {8, 4};
    c.d_hidden = {4, 8};
    c.batch_size = kGanBatch;
    return c;
}

// make_conv_reference.py's dcgan_inputs(), from Rng(1234, 92).
struct DcganInputs {
    Matrix z, x, z_g;
    std::vector<Matrix> real, z_d_iter, z_g_iter;
};

const DcganInputs& dcgan_inputs() {
    static const DcganInputs in = [] {
        DcganInputs v;
        Rng rng(kSeed, kDcganInputStream);
        v.z = draw_normal(rng, kGanBatch, kLatent);
        v.x = draw_images(rng, kGanBatch);
        v.z_g = draw_normal(rng, kGanBatch, kLatent);
        for (int k = 0; k < kIterations; ++k) {
            v.real.push_back(draw_images(rng, kGanBatch));
            v.z_d_iter.push_back(draw_normal(rng, kGanBatch, kLatent));
            v.z_g_iter.push_back(draw_normal(rng, kGanBatch, kLatent));
        }
        return v;
    }();
    return in;
}

// G then D from Rng(1234, 77), as the script's dcgan_networks().
void derive_dcgan(Sequential& g, Sequential& d) {
    Rng rng(kWeightSeed, kWeightStream);
    derive_conv_weights(g, rng);
    derive_conv_weights(d, rng);
}

struct DcganNetworks {
    Sequential g, d;
    DcganNetworks() : g(generator_layers(dcgan_config())), d(discriminator_layers(dcgan_config())) {
        derive_dcgan(g, d);
    }
};

// A Linear or ConvTranspose2d right before a BatchNorm: training-mode BatchNorm removes the
// per-feature / per-channel mean, so the loss does not depend on that bias and its gradient is 0
// in exact arithmetic (reference_support.h's feeds_batchnorm, for both BatchNorms).
bool feeds_norm(const Sequential& net, size_t layer) {
    return layer + 1 < net.layers.size() &&
           is_kind(net.layers[layer].spec, {LayerKind::Linear, LayerKind::ConvTranspose2d}) &&
           is_kind(net.layers[layer + 1].spec, {LayerKind::BatchNorm1d, LayerKind::BatchNorm2d});
}

// BCE(D's logits, 1) as Ganvas computes it (on the logits; PyTorch's BCELoss on the sigmoid agrees
// to rounding, test_reference.cpp), checked against `loss_name`, then backpropagated through d:
// returns D's input gradient; d's parameter gradients are accumulated when want_param_grads.
ConstMatrixView bce_real_through_d(Sequential& d, SequentialCache& cache, ConstMatrixView logits,
                                   const std::string& loss_name, bool want_param_grads) {
    float d_logits[kGanBatch];
    const float loss = bce_with_logits(logits.data(), kGanBatch, 1.0f, d_logits, 1.0f);
    check_scalar(loss_name, loss, ref().scalar(loss_name), kForwardNet.rel);
    return sequential_backward(d, cache, ConstMatrixView(d_logits, kGanBatch, 1), want_param_grads, true);
}

bool is_bias(const TensorInfo& t) { return t.name.find(".bias") != std::string::npos; }

}  // namespace

// [SECTION] Single layers

TEST_CASE("Conv2d(3, 5, 4, stride 2, padding 1) on 3x10x10: out, d_in, d_weight, d_bias", "[reference][conv]") {
    check_convolution("conv_a", false, true);
}

TEST_CASE("Conv2d(2, 4, 3, stride 1, padding 0) on 2x7x9: out, d_in, d_weight, d_bias", "[reference][conv]") {
    check_convolution("conv_b", false, false);
}

TEST_CASE("ConvTranspose2d(4, 3, 4, stride 2, padding 1) on 4x7x7 -> 14x14: out, d_in, d_weight, d_bias",
          "[reference][conv]") {
    check_convolution("convt_a", true, true);
}

TEST_CASE("ConvTranspose2d(3, 2, 3, stride 1, padding 0) on 3x5x6 -> 7x8: out, d_in, d_weight, d_bias",
          "[reference][conv]") {
    check_convolution("convt_b", true, false);
}

TEST_CASE("BatchNorm2d(3), training mode: out, gradients, running statistics; then eval mode", "[reference][conv]") {
    const LayerCase& c = layer_case("bn2d");
    REQUIRE(c.net.layers[1].spec.kind == LayerKind::BatchNorm2d);
    require_derived(c);
    Sequential net = c.net;
    const LayerResult r = run_layer(c, net, kLayer);
    // Running statistics: 0.9 (0, 1) + 0.1 (batch mean, UNBIASED batch variance over N*H*W = 120),
    // sums of 120 terms: as kLayer.
    const float* mean = net.values(1, "running_mean");
    const float* var = net.values(1, "running_var");
    check_full(ref(), "bn2d.running_mean", mean, 3, kLayer);
    check_full(ref(), "bn2d.running_var", var, 3, kLayer);
    CHECK(net.counter(1) == i64_scalar("bn2d.num_batches_tracked"));
    // The wrong BatchNorms: the unbiased variance in the normalisation (out moves by 1/240
    // relative, 3.1e2 x kLayer), the biased one in running_var (0.1 var / 119: 1.3e2 x), and
    // statistics per flattened feature over N only (BatchNorm1d on C*H*W: 1.0e5 x).
    check_far_from("bn2d.wrong.biased_running_var", copy_of(var, 3), kLayer);
    check_far_from("bn2d.wrong.unbiased.out", r.out, kLayer);
    check_far_from("bn2d.wrong.unbiased.d_in", r.d_in, kLayer);
    check_far_from("bn2d.wrong.per_feature.out", r.out, kLayer);
    check_far_from("bn2d.wrong.per_feature.d_in", r.d_in, kLayer);
    // Eval mode: (x - running_mean) / sqrt(running_var + eps) * weight + bias, element-wise.
    SequentialCache cache;
    const std::vector<float> buffers = net.buffers;
    const ConstMatrixView eval = sequential_forward(net, cache, const_view_of(c.x), BatchNormMode::Eval);
    check_full(ref(), "bn2d.eval.out", eval.data(), size_t(eval.size()), kLayer);
    CHECK(net.buffers == buffers);
    CHECK(net.counter(1) == 1);
}

TEST_CASE("ReLU: forward and backward, gradient 0 at x == 0 as PyTorch's threshold_backward", "[reference][conv]") {
    const LayerCase& c = layer_case("relu");
    Sequential net = c.net;
    // PyTorch's backward passes d where x > 0 (threshold_backward), Ganvas' where x > 0 too
    // (layers/relu.cpp: x > 0 ? d : 0), so both give 0 at the exact zeros (every 5th entry).
    // Exact: a select, nothing rounded: rel 0, no floor.
    const LayerResult r = run_layer(c, net, Tolerance{0, 0, 0, "exact"});
    for (int64_t k = 0; k < c.x.size(); k += 5) {
        REQUIRE(c.x.data()[k] == 0.0f);
        CHECK(r.d_in[size_t(k)] == 0.0f);
    }
    check_far_from("relu.wrong.ge_zero.d_in", r.d_in, kLayer);
}

// [SECTION] The DCGAN pair

TEST_CASE("arch=dcgan: the layers of make_conv_reference.py's modules, derived weights bit for bit",
          "[reference][dcgan]") {
    const GanConfig c = dcgan_config();
    REQUIRE(gan_config_validate(c).ok);
    DcganNetworks nets;
    using K = const LayerRecord*;
    const std::vector<K> g_kinds = {LayerKind::Linear, LayerKind::BatchNorm1d, LayerKind::ReLU, LayerKind::Unflatten,
                                    LayerKind::ConvTranspose2d, LayerKind::BatchNorm2d, LayerKind::ReLU,
                                    LayerKind::ConvTranspose2d, LayerKind::Tanh};
    const std::vector<K> d_kinds = {LayerKind::Unflatten, LayerKind::Conv2d, LayerKind::LeakyReLU, LayerKind::Conv2d,
                                    LayerKind::LeakyReLU, LayerKind::Flatten, LayerKind::Linear};
    REQUIRE(nets.g.layers.size() == g_kinds.size());
    REQUIRE(nets.d.layers.size() == d_kinds.size());
    for (size_t i = 0; i < g_kinds.size(); ++i) CHECK(nets.g.layers[i].spec.kind == g_kinds[i]);
    for (size_t i = 0; i < d_kinds.size(); ++i) CHECK(nets.d.layers[i].spec.kind == d_kinds[i]);
    CHECK(nets.g.features_out() == 784);
    CHECK(nets.d.layers[6].spec.in.c == 8 * 49);
    // As test_reference.cpp: the sampled entries EXACTLY equal, the float64 sums up to summation order.
    for (int n = 0; n < 2; ++n) {
        const Sequential& net = n == 0 ? nets.g : nets.d;
        const std::string prefix = n == 0 ? "dcgan.init.generator" : "dcgan.init.discriminator";
        for (const TensorInfo& t : net.tensors) {
            if (t.store == TensorStore::Counter) continue;
            const float* v = t.store == TensorStore::Params ? &net.params[t.offset] : &net.buffers[t.offset];
            const std::vector<float> sample = ref().f32(prefix + "." + t.name + ".sample");
            for (size_t i = 0; i < sample.size(); ++i) {
                INFO(prefix << "." << t.name << " entry " << (i * t.size) / sample.size());
                REQUIRE(v[(i * t.size) / sample.size()] == sample[i]);
            }
            check_summary(ref(), prefix + "." + t.name, v, t.size, Tolerance{1e-9});
        }
    }
}

TEST_CASE("dcgan G forward in training mode, BatchNorm1d/2d running statistics, G in eval mode",
          "[reference][dcgan]") {
    const DcganInputs& in = dcgan_inputs();
    DcganNetworks nets;
    SequentialCache cache;
    const ConstMatrixView out = sequential_forward(nets.g, cache, const_view_of(in.z), BatchNormMode::Train);
    REQUIRE(out.cols() == 784);  // Tanh's (1, 28, 28) maps, read flattened
    check_summary(ref(), "dcgan.g.train.out", out.data(), size_t(out.size()), kForwardNet);
    for (const TensorInfo& t : nets.g.tensors)
        if (t.store == TensorStore::Buffers)
            check_full(ref(), "dcgan.g.after1." + t.name, &nets.g.buffers[t.offset], t.size, kForwardNet);
    CHECK(nets.g.counter(1) == 1);
    CHECK(nets.g.counter(5) == 1);
    const ConstMatrixView eval = sequential_forward(nets.g, cache, const_view_of(in.z), BatchNormMode::Eval);
    check_summary(ref(), "dcgan.g.eval.out", eval.data(), size_t(eval.size()), kForwardNet);
}

TEST_CASE("dcgan D logits, and the gradients of BCE(D(x), 1) for every D parameter and for x", "[reference][dcgan]") {
    const DcganInputs& in = dcgan_inputs();
    DcganNetworks nets;
    SequentialCache cache;
    const ConstMatrixView logits = sequential_forward(nets.d, cache, const_view_of(in.x), BatchNormMode::Train);
    REQUIRE(logits.cols() == 1);
    check_full(ref(), "dcgan.d.logits", logits.data(), kGanBatch, kForwardNet);
    nets.d.zero_grads();
    const ConstMatrixView d_x = bce_real_through_d(nets.d, cache, logits, "dcgan.d_real.loss", true);
    check_summary(ref(), "dcgan.d_real.input_grad", d_x.data(), size_t(d_x.size()), kNet);
    check_network(ref(), "dcgan.d_real.grad", nets.d, true, kNet);
}

TEST_CASE("dcgan G loss back through D into G: D's input gradient, z's, every G parameter's", "[reference][dcgan]") {
    const DcganInputs& in = dcgan_inputs();
    DcganNetworks nets;
    SequentialCache g_cache, d_cache;
    const ConstMatrixView images = sequential_forward(nets.g, g_cache, const_view_of(in.z_g), BatchNormMode::Train);
    const ConstMatrixView logits = sequential_forward(nets.d, d_cache, images, BatchNormMode::Train);
    const ConstMatrixView d_images = bce_real_through_d(nets.d, d_cache, logits, "dcgan.g_loss.loss", false);
    check_summary(ref(), "dcgan.g_loss.d_input_grad", d_images.data(), size_t(d_images.size()), kNet);
    nets.g.zero_grads();
    const ConstMatrixView d_z = sequential_backward(nets.g, g_cache, d_images, true, true);
    check_full(ref(), "dcgan.g_loss.z_grad", d_z.data(), size_t(d_z.size()), kNet);
    // The biases of model.0 (Linear -> BatchNorm1d) and model.4 (ConvTranspose2d -> BatchNorm2d):
    // 0 exactly, both sides hold rounding noise. Floor: rel x the rms of the same layer's weight
    // gradient, the size of the terms whose cancellation left it (test_reference.cpp).
    check_network(ref(), "dcgan.g_loss.grad", nets.g, true, kNet, [&](const TensorInfo& t, Tolerance* tol) {
        const size_t layer = layer_of(t);
        if (!feeds_norm(nets.g, layer) || !is_bias(t)) return;
        const TensorInfo* w = nets.g.find_tensor(layer, "weight");
        REQUIRE(w != nullptr);
        tol->scale = std::sqrt(ref().scalar("dcgan.g_loss.grad." + w->name + ".sumsq") / double(w->size));
        tol->why = "0 exactly: floor from the weight gradient's rms";
    });
}

TEST_CASE("dcgan: ten iterations of the seed's loop on given data, losses and final weights",
          "[reference][dcgan][training]") {
    const DcganInputs& in = dcgan_inputs();
    const GanConfig c = dcgan_config();
    REQUIRE(gan_config_validate(c).ok);
    Gan gan(c, 0);
    derive_dcgan(gan.generator(), gan.discriminator());
    const std::vector<double> d_loss = ref().f64("dcgan.train.d_loss"), g_loss = ref().f64("dcgan.train.g_loss");
    REQUIRE(d_loss.size() == size_t(kIterations));
    for (size_t k = 0; k < size_t(kIterations); ++k) {
        const StepStats s = gan.train_step_with(const_view_of(in.real[k]), const_view_of(in.z_d_iter[k]),
                                                const_view_of(in.z_g_iter[k]));
        // Each loss a mean of 8 well-conditioned BCE terms: kNet, as the seed's in test_reference.cpp.
        check_scalar("dcgan.train.d_loss[" + std::to_string(k) + "]", s.d_loss, d_loss[k], kNet.rel);
        check_scalar("dcgan.train.g_loss[" + std::to_string(k) + "]", s.g_loss, g_loss[k], kNet.rel);
    }
    CHECK(gan.step() == kIterations);
    // Two G forwards per iteration (the D step's fakes, the G step's): PyTorch's count.
    for (size_t layer : {size_t(1), size_t(5)}) {
        const std::string name = "dcgan.train.final.generator.model." + std::to_string(layer) + ".num_batches_tracked";
        CHECK(i64_scalar(name) == 2 * kIterations);
        CHECK(gan.generator().counter(layer) == i64_scalar(name));
    }
    // Adam turns the rounding noise that is the whole gradient of a bias feeding a BatchNorm into
    // real steps of up to ~lr (test_reference.cpp): those biases (model.0, model.4) and the
    // running means of the BatchNorms they feed (model.1, model.5, which track them) may differ
    // by up to 10 iterations x lr = 2e-3. Every other tensor is held to kNet.
    const double drift = kIterations * double(gan.config().adam_g.lr);
    const Sequential& g = gan.generator();
    check_network(ref(), "dcgan.train.final.generator", g, false, kNet, [&](const TensorInfo& t, Tolerance* tol) {
        const size_t layer = layer_of(t);
        const bool noisy_bias = feeds_norm(g, layer) && is_bias(t);
        const bool tracking_mean =
            layer > 0 && feeds_norm(g, layer - 1) && t.name.find("running_mean") != std::string::npos;
        if (!noisy_bias && !tracking_mean) return;
        tol->abs = drift;
        tol->why = noisy_bias ? "bias before BatchNorm: Adam-amplified noise" : "tracks a bias before it";
    });
    check_network(ref(), "dcgan.train.final.discriminator", gan.discriminator(), false, kNet);
}
