// test_layer_records.cpp - the layer records (nn/layers/layer.h) as a network uses them.
//
//   - the fused Linear + LeakyReLU forward gives the unfused bits (bitwise, at the seed's
//     shapes and at odd ones), as math functions and as records;
//   - a save/load round trip of a network holding every kind, through safetensors and the
//     tensor table, gives back every value and the same outputs bit for bit;
//   - each record's tensors, shapes, FLOPs and GEMMs against hand values, and the seed's
//     737.1 MFLOP per training step;
//   - sequential_infer on const weights gives sequential_forward's bits and touches nothing.
// Gradient checks of every kind's math are in test_layers.cpp.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>
#include <vector>

#include "base/rng.h"
#include "gan/networks.h"
#include "io/safetensors.h"
#include "nn/layers.h"
#include "nn/model.h"
#include "test_support.h"

using namespace ganvas;
using ganvas_test::random_values;

namespace {

bool same_bits(const float* a, const float* b, size_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

// Every kind, with widths that differ from layer to layer.
std::vector<LayerSpec> every_kind() {
    return {LayerSpec::linear(6, 5), LayerSpec::batchnorm(5), LayerSpec::leaky_relu(0.1f),
            LayerSpec::linear(5, 4), LayerSpec::tanh(),        LayerSpec::linear(4, 3),
            LayerSpec::sigmoid()};
}

// A network with non-default values everywhere: init, then Train forwards (running statistics
// and counters move), then a perturbation of every parameter.
Sequential trained_every_kind() {
    Sequential net(every_kind());
    Rng rng(5, 5);
    sequential_init_default(net, rng);
    SequentialCache cache;
    for (uint64_t s = 0; s < 3; ++s) {
        const std::vector<float> x = random_values(8 * 6, 20 + s);
        sequential_forward(net, cache, ConstMatrixView(x.data(), 8, 6), BatchNormMode::Train);
    }
    const std::vector<float> noise = random_values(net.params.size(), 30);
    for (size_t i = 0; i < net.params.size(); ++i) net.params[i] += 0.1f * noise[i];
    return net;
}

}  // namespace

// [SECTION] Fusion

TEST_CASE("Fused Linear + LeakyReLU gives the unfused bits", "[layers][records]") {
    struct Case { int n, in, out; };
    std::vector<Case> cases = {{1, 1, 1}, {5, 7, 3}, {37, 13, 29}, {3, 300, 17}, {64, 101, 65}};
    const GanConfig seed;  // the seed's Linear shapes at its batch size
    for (const auto& specs : {generator_layers(seed), discriminator_layers(seed)})
        for (const LayerSpec& s : sequential_resolve(specs))
            if (s.kind == LayerKind::Linear) cases.push_back({seed.batch_size, int(s.in.size()), int(s.out.size())});
    for (const Case& c : cases) {
        INFO("N " << c.n << ", in " << c.in << ", out " << c.out);
        const std::vector<float> x = random_values(size_t(c.n) * c.in, 1), w = random_values(size_t(c.out) * c.in, 2),
                                 b = random_values(size_t(c.out), 3);
        const size_t size = size_t(c.n) * c.out;
        std::vector<float> lin(size), act(size), fused_lin(size), fused_act(size);
        const ConstMatrixView in(x.data(), c.n, c.in);
        linear_forward(MatrixView(lin.data(), c.n, c.out), in, w.data(), b.data());
        leaky_relu_forward(MatrixView(act.data(), c.n, c.out), ConstMatrixView(lin.data(), c.n, c.out), 0.2f);
        linear_leaky_relu_forward(MatrixView(fused_lin.data(), c.n, c.out), MatrixView(fused_act.data(), c.n, c.out), in,
                                  w.data(), b.data(), 0.2f);
        CHECK(same_bits(lin.data(), fused_lin.data(), size));
        CHECK(same_bits(act.data(), fused_act.data(), size));

        // The same through the records, as Sequential calls them.
        const LayerSpec linear = LayerSpec::linear(c.in, c.out);
        LayerSpec leaky = LayerSpec::leaky_relu(0.2f);
        leaky.in = leaky.out = linear.out;
        REQUIRE(linear.kind->fuses_with(linear, leaky));
        std::vector<float> params = w;
        params.insert(params.end(), b.begin(), b.end());
        LayerForwardArgs a, next;
        a.spec = &linear;
        a.batch = next.batch = c.n;
        a.in = x.data();
        a.out = fused_lin.data();
        a.params = params.data();
        next.spec = &leaky;
        next.in = fused_lin.data();
        next.out = fused_act.data();
        std::fill(fused_lin.begin(), fused_lin.end(), 0.0f);
        std::fill(fused_act.begin(), fused_act.end(), 0.0f);
        linear.kind->forward_fused(a, next);
        CHECK(same_bits(lin.data(), fused_lin.data(), size));
        CHECK(same_bits(act.data(), fused_act.data(), size));
    }
}

TEST_CASE("Only a following LeakyReLU fuses with a Linear", "[layers][records]") {
    const std::vector<LayerSpec> specs = sequential_resolve(every_kind());
    for (size_t i = 0; i + 1 < specs.size(); ++i) {
        const LayerRecord& r = *specs[i].kind;
        const bool fuses = r.fuses_with && r.fuses_with(specs[i], specs[i + 1]);
        CHECK(fuses == (specs[i].kind == LayerKind::Linear && specs[i + 1].kind == LayerKind::LeakyReLU));
    }
}

// [SECTION] Save / load

TEST_CASE("Every layer kind survives a safetensors round trip bit for bit", "[layers][records][checkpoint]") {
    Sequential net = trained_every_kind();
    // Every kind is in the network.
    std::set<const LayerRecord*> kinds;
    for (const Layer& l : net.layers) kinds.insert(l.spec.kind);
    CHECK(kinds == std::set<const LayerRecord*>{LayerKind::Linear, LayerKind::LeakyReLU, LayerKind::BatchNorm1d,
                                                LayerKind::Tanh, LayerKind::Sigmoid});
    REQUIRE(net.counter(1) == 3);

    // Save: the tensor table, each tensor from its store, as the checkpoint writes it.
    std::vector<SafetensorsEntry> entries;
    for (const TensorInfo& t : net.tensors) {
        if (t.store == TensorStore::Counter)
            entries.push_back(SafetensorsEntry::of(t.name, SafetensorsDtype::I64, t.shape, &net.counters[t.offset], 1));
        else
            entries.push_back(SafetensorsEntry::of(t.name, SafetensorsDtype::F32, t.shape,
                                                   (t.store == TensorStore::Params ? net.params : net.buffers).data() + t.offset,
                                                   t.size));
    }
    const std::vector<uint8_t> bytes = safetensors_serialize({}, entries);

    // Load into a fresh network of the same specs.
    SafetensorsFile file;
    REQUIRE(safetensors_parse(bytes.data(), bytes.size(), &file).ok);
    Sequential loaded(every_kind());
    REQUIRE(file.tensors.size() == loaded.tensors.size());
    for (const TensorInfo& t : loaded.tensors) {
        INFO(t.name);
        const SafetensorsTensor* st = file.find(t.name);
        REQUIRE(st);
        CHECK(st->shape == t.shape);
        if (t.store == TensorStore::Counter) {
            REQUIRE(st->dtype == SafetensorsDtype::I64);  // PyTorch's num_batches_tracked: an int64 scalar
            CHECK(st->shape.empty());
            file.read(*st, &loaded.counters[t.offset]);
        } else {
            REQUIRE(st->dtype == SafetensorsDtype::F32);
            file.read(*st, (t.store == TensorStore::Params ? loaded.params : loaded.buffers).data() + t.offset);
        }
    }
    CHECK(same_bits(net.params.data(), loaded.params.data(), net.params.size()));
    CHECK(same_bits(net.buffers.data(), loaded.buffers.data(), net.buffers.size()));
    CHECK(net.counters == loaded.counters);

    // The same outputs, bit for bit, in both BatchNorm modes that leave the network untouched.
    const std::vector<float> x = random_values(8 * 6, 40);
    for (BatchNormMode mode : {BatchNormMode::Eval, BatchNormMode::TrainNoUpdate}) {
        SequentialCache c1, c2;
        const ConstMatrixView a = sequential_forward(net, c1, ConstMatrixView(x.data(), 8, 6), mode);
        const ConstMatrixView b = sequential_forward(loaded, c2, ConstMatrixView(x.data(), 8, 6), mode);
        CHECK(same_bits(a.data(), b.data(), size_t(a.size())));
    }
}

TEST_CASE("The records declare PyTorch's state_dict", "[layers][records]") {
    const Sequential net(every_kind());
    std::vector<std::string> names;
    for (const TensorInfo& t : net.tensors) names.push_back(t.name);
    CHECK(names == std::vector<std::string>{"model.0.weight", "model.0.bias", "model.1.weight", "model.1.bias",
                                            "model.1.running_mean", "model.1.running_var",
                                            "model.1.num_batches_tracked", "model.3.weight", "model.3.bias",
                                            "model.5.weight", "model.5.bias"});
    CHECK(net.find_tensor(0, "weight")->shape == std::vector<int64_t>{5, 6});  // (out, in)
    CHECK(net.find_tensor(1, "running_var")->non_negative);
    CHECK(!net.find_tensor(1, "running_mean")->non_negative);
    CHECK(net.params.size() == size_t(5 * 6 + 5 + 2 * 5 + 4 * 5 + 4 + 3 * 4 + 3));
    CHECK(net.buffers.size() == 10);
    CHECK(net.counters.size() == 1);
    // Shapes per sample, resolved from the specs.
    CHECK(net.layers[2].spec.in == SampleShape::features(5));
    CHECK(net.layers[6].spec.out == SampleShape::features(3));
    // The table without a network is the network's table.
    const std::vector<TensorInfo> table = sequential_tensors(every_kind());
    REQUIRE(table.size() == net.tensors.size());
    for (size_t i = 0; i < table.size(); ++i) {
        CHECK(table[i].name == net.tensors[i].name);
        CHECK(table[i].offset == net.tensors[i].offset);
        CHECK(table[i].size == net.tensors[i].size);
    }
}

// [SECTION] FLOPs

TEST_CASE("FLOP counts and GEMMs per record against hand values", "[layers][records][flops]") {
    const std::vector<LayerSpec> specs = sequential_resolve(every_kind());
    const int batch = 10;
    // Linear(6, 5): 10 * 6 * 5 = 300 multiply-adds in each pass; the others: no products.
    const LayerFlops linear = specs[0].kind->flops(specs[0], batch);
    CHECK(linear.forward == 300);
    CHECK(linear.input_grad == 300);
    CHECK(linear.weight_grad == 300);
    for (size_t i : {1, 2, 4, 6}) {
        INFO(specs[i].kind->name);
        CHECK(!specs[i].kind->flops);
        CHECK(!specs[i].kind->gemms);
    }
    const SequentialFlops total = sequential_flops(every_kind(), batch);
    CHECK(total.forward == 10 * (6 * 5 + 5 * 4 + 4 * 3));
    CHECK(total.weight_grad == total.forward);
    CHECK(total.input_grad == total.forward);
    CHECK(total.input_grad_inner == 10 * (5 * 4 + 4 * 3));  // not the first layer's

    std::vector<LayerGemm> gemms;
    specs[0].kind->gemms(specs[0], batch, &gemms);
    REQUIRE(gemms.size() == 3);
    const GemmShape f = gemms[0].shape, ig = gemms[1].shape, wg = gemms[2].shape;
    CHECK((gemms[0].pass == LayerPass::Forward && f.m == 10 && f.n == 5 && f.k == 6 && f.op_a == Op::None &&
           f.op_b == Op::Transpose));
    CHECK((gemms[1].pass == LayerPass::InputGrad && ig.m == 10 && ig.n == 6 && ig.k == 5));
    CHECK((gemms[2].pass == LayerPass::WeightGrad && wg.m == 5 && wg.n == 6 && wg.k == 10 && wg.op_a == Op::Transpose &&
           wg.op_b == Op::None));
    CHECK(sequential_gemms(every_kind(), batch).size() == 9);
}

TEST_CASE("The seed's training step is 737.1 MFLOP at batch 64", "[layers][records][flops]") {
    // G: 100*128 + 128*256 + 256*512 + 512*784 = 578048 multiply-adds per sample, 565248 without
    // the first layer; D: 784*512 + 512*256 + 256*1 = 532736, 131328 without the first.
    // Per step: G forward twice, D forward three times, D's weight and inner input gradients
    // twice, D's full input gradient once, G's weight and inner input gradients once.
    const double macs = 2 * 578048.0 + 3 * 532736.0 + 2 * 532736.0 + 2 * 131328.0 + 532736.0 + 578048.0 + 565248.0;
    const GanConfig seed;
    CHECK(gan_step_flops(seed) == 2 * macs * 64);
    CHECK(gan_step_flops(seed) == 737083392.0);
}

// [SECTION] Inference on const weights

TEST_CASE("sequential_infer gives sequential_forward's bits and leaves the network alone", "[layers][records]") {
    Sequential net = trained_every_kind();
    const Sequential before = net;
    const std::vector<float> x = random_values(8 * 6, 50);
    for (BatchNormMode mode : {BatchNormMode::Eval, BatchNormMode::TrainNoUpdate}) {
        SequentialCache c1, c2;
        const ConstMatrixView a = sequential_forward(net, c1, ConstMatrixView(x.data(), 8, 6), mode);
        const Sequential& weights = net;
        const ConstMatrixView b = sequential_infer(weights, c2, ConstMatrixView(x.data(), 8, 6), mode);
        REQUIRE(a.size() == b.size());
        CHECK(same_bits(a.data(), b.data(), size_t(a.size())));
    }
    CHECK(net.buffers == before.buffers);
    CHECK(net.counters == before.counters);
}
