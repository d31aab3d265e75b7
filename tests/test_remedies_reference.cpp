// test_remedies_reference.cpp - the remedies of issue 10 compute what PyTorch computes.
//
// tests/reference/make_remedies.py writes tests/reference/remedies.safetensors from the textbook
// definitions in PyTorch (see its docstring for every tensor); the weights and inputs are
// derived from Ganvas' stream as in test_reference.cpp (reference_support.h).
//
// Tolerances (float32, unit roundoff 6e-8) and why:
//   objectives, 1e-6 on losses and logit gradients: PyTorch computes them in float64, the core
//     in float with a double sum; each value is one or two correctly rounded operations away
//     (exp, log1p), so a few ulp. A wrong factor (a missing 1/2), target or sign moves them by
//     far more than 1e-3.
//   penalties (value, D's input gradient, every D weight gradient), 1e-4 with the rms floor: the
//     input gradient is three GEMMs with inner sizes up to 512 summed in another order than
//     OpenBLAS (1e-6 relative), the weight gradients two more products on top, and the norm's
//     ||g|| - 1 cancels about one digit. A penalty that forgets a layer's mask, transposes a
//     weight or drops the 1/||g|| factor moves them by 1e-1 or more.
//   three training iterations with both penalties, 1e-4 on losses and weights, as the seed's
//     ten-iteration check in test_reference.cpp, except where a gradient is exactly 0 and Adam
//     turns rounding noise into steps (G's biases before BatchNorm, D's tied biases: 3 x lr
//     absolute) and G's loss after them (1e-3, see there).
#include <catch2/catch.hpp>

#include <algorithm>

#include "gan/gan.h"
#include "gan/objective.h"
#include "gan/penalty.h"
#include "gan/remedies_noise_ema.h"
#include "gan/settings.h"
#include "nn/double_backward.h"
#include "reference_support.h"

using namespace ganvas;
using namespace ganvas_test;

namespace {

constexpr double kObjectiveRel = 1e-6;

const ReferenceFile& remedies() {
    static const ReferenceFile file(reference_dir() + "/remedies.safetensors");
    return file;
}

void check_objective_part(const std::string& key, float (*part)(const float*, int, float*, const ObjectiveParams&),
                          const ObjectiveParams& params) {
    const ReferenceFile& ref = remedies();
    const std::vector<float> logits = ref.f32("obj.logits");
    std::vector<float> grad(logits.size());
    const float loss = part(logits.data(), int(logits.size()), grad.data(), params);
    check_scalar(key + ".loss", loss, ref.scalar(key + ".loss"), kObjectiveRel);
    check_full(ref, key + ".grad", grad.data(), grad.size(), Tolerance{kObjectiveRel});
}

}  // namespace

TEST_CASE("Every objective's losses and logit gradients are PyTorch's", "[reference][objective]") {
    REQUIRE(objective_names() == std::vector<std::string>{"bce", "minimax", "lsgan", "hinge", "wgan-gp"});
    for (const std::string& name : objective_names()) {
        const Objective* o = objective_find(name);
        REQUIRE(o != nullptr);
        const std::string key = "obj." + name;
        check_objective_part(key + ".d_real", o->d_real, ObjectiveParams{});
        check_objective_part(key + ".d_fake", o->d_fake, ObjectiveParams{});
        check_objective_part(key + ".g", o->g, ObjectiveParams{});
        // One-sided label smoothing: the real target 0.9, where the objective has a target.
        if (o->has_target) check_objective_part(key + ".d_real_smooth", o->d_real, ObjectiveParams{0.9f});
    }
    // The logits include hinge's kinks (1 and -1) and 0, where PyTorch's relu has slope 0.
    CHECK(objective_find("wgan-gp")->gradient_penalty);
    CHECK_FALSE(objective_find("hinge")->gradient_penalty);
}

namespace {

constexpr int kBatch = 8;
constexpr double kPenaltyRel = 1e-4;
const Tolerance kPenalty{kPenaltyRel};

GanConfig seed_config_batch8() {
    GanConfig c;
    c.batch_size = kBatch;
    return c;
}

const ReferenceInputs& inputs() { return reference_inputs(); }

// The seed's D with derived weights (G is derived first, from the same stream).
Sequential derived_discriminator() {
    Sequential g(generator_layers(seed_config_batch8())), d(discriminator_layers(seed_config_batch8()));
    derive_gan_weights(g, d);
    d.zero_grads();
    return d;
}

// The penalty's gradient for every D parameter. Biases get exactly nothing on both sides (they
// are not in D's input gradient; PyTorch's is a zero tensor), so they are held to exact zero.
void check_penalty_grads(const std::string& prefix, const Sequential& d) {
    check_network(remedies(), prefix, d, true, kPenalty);
    for (const TensorInfo& t : d.tensors)
        if (t.name.find(".bias") != std::string::npos)
            for (size_t i = 0; i < t.size; ++i) REQUIRE(d.grads[t.offset + i] == 0.0f);
}

}  // namespace

TEST_CASE("The WGAN-GP penalty: interpolates, D's input gradient, the value and every D weight's gradient",
          "[reference][penalty]") {
    const ReferenceFile& ref = remedies();
    const ReferenceInputs& in = inputs();
    Sequential d = derived_discriminator();
    REQUIRE(sequential_has_double_backward(discriminator_layers(seed_config_batch8())));
    Rng rng(1234, 80);
    std::vector<float> eps(kBatch);
    for (float& e : eps) e = rng.uniform();
    const std::vector<float> expected_eps = ref.f32("gp.eps");
    REQUIRE(eps == expected_eps);  // drawn alike, bit for bit
    PenaltyCache cache;
    const float value = wgan_gp_penalty(d, const_view_of(in.x), const_view_of(in.real[0]), eps.data(), 10.0f, cache);
    // The interpolates are float32 products and a sum, rounded alike: exactly PyTorch's.
    const std::vector<float> x_hat = ref.f32("gp.x_hat");
    REQUIRE(std::equal(x_hat.begin(), x_hat.end(), cache.points.data()));
    check_full(ref, "gp.input_grad", cache.grad.arena.data() + cache.grad.d_input_at, x_hat.size(), kPenalty);
    check_scalar("gp.value", value, ref.scalar("gp.value"), kPenaltyRel);
    check_penalty_grads("gp.grad", d);
}

TEST_CASE("The R1 penalty on real data: the value and every D weight's gradient", "[reference][penalty]") {
    const ReferenceFile& ref = remedies();
    const ReferenceInputs& in = inputs();
    Sequential d = derived_discriminator();
    SequentialCache forward;
    sequential_forward(d, forward, const_view_of(in.x), BatchNormMode::Train);
    PenaltyCache cache;
    const float value = r1_penalty(d, forward, 5.0f, cache);
    check_full(ref, "r1.input_grad", cache.grad.arena.data() + cache.grad.d_input_at, size_t(in.x.size()), kPenalty);
    check_scalar("r1.value", value, ref.scalar("r1.value"), kPenaltyRel);
    check_penalty_grads("r1.grad", d);
}

TEST_CASE("Three iterations of wgan-gp with R1: losses and final weights", "[reference][penalty][training]") {
    const ReferenceFile& ref = remedies();
    const ReferenceInputs& in = inputs();
    GanConfig c = seed_config_batch8();
    REQUIRE(settings_set_text(&c, "objective", "wgan-gp").ok);
    REQUIRE(settings_set_text(&c, "r1_gamma", "2").ok);
    REQUIRE(gan_config_validate(c).ok);
    Gan gan(c, 0);  // seed 0: the penalty's eps stream of make_remedies.py's penalty_eps(0, ...)
    derive_gan_weights(gan.generator(), gan.discriminator());
    const std::vector<double> d_loss = ref.f64("train_gp.d_loss"), g_loss = ref.f64("train_gp.g_loss"),
                              g_scale = ref.f64("train_gp.g_scale");
    REQUIRE(d_loss.size() == 3);
    for (size_t k = 0; k < 3; ++k) {
        const StepStats s = gan.train_step_with(const_view_of(in.real[k]), const_view_of(in.z_d_iter[k]), const_view_of(in.z_g_iter[k]));
        CHECK(s.d_penalty > 0);
        check_scalar("train_gp.d_loss[" + std::to_string(k) + "]", s.d_loss, d_loss[k], kPenaltyRel);
        // -mean D(G(z)) is a mean of scores of both signs: floor rel x mean |D(G(z))|. From the
        // second iteration on, D's tied biases (below) have taken Adam steps of up to lr that
        // differ between the two sides; through |W3| they move the scores by ~1e-4 relative
        // (measured 1.2e-4 at iteration 2), so 1e-3 there.
        const std::vector<float> g_expected = {float(g_loss[k])};
        const float g_actual = s.g_loss;
        const Tolerance g_tol{k == 0 ? kPenaltyRel : 1e-3, g_scale[k], 0, "floor: mean |D(G(z))|"};
        report(compare_values("train_gp.g_loss[" + std::to_string(k) + "]", &g_actual, g_expected, g_tol), g_tol);
    }
    // As in test_reference.cpp: the biases before G's BatchNorms have a gradient of rounding noise
    // only, which Adam turns into steps of up to lr; they and the running means tracking them may
    // differ by 3 iterations x lr.
    const double drift = 3 * double(gan.config().adam_g.lr);
    check_trained_generator(ref, "train_gp.final.generator", gan.generator(), kPenalty, drift);
    // D's last hidden bias: where the real and the fake batch have as many active units (masks
    // are 1 or 0.2, 8 samples each; 50 of 256 units at the first step), its Wasserstein gradient
    // is exactly 0 and the penalty adds nothing to biases: rounding noise again, stepped by Adam.
    check_network(ref, "train_gp.final.discriminator", gan.discriminator(), false, kPenalty,
                  [&](const TensorInfo& t, Tolerance* tol) {
                      if (t.name != "model.2.bias") return;
                      tol->abs = drift;
                      tol->why = "exactly 0 gradient where the batches' masks tie: Adam-amplified noise";
                  });
}

// [SECTION] Instance noise and the EMA of G (make_remedies.py's noise_ema_reference)
//
// Tolerances: the noise draw and the noisy input are exact (the same PCG32 stream and normal
// transform as seed_gan.Rng, then one float product and one float sum, rounded alike in both);
// D's weight gradients on the noisy batch, 1e-4 with the rms floor as for the penalties (three
// GEMMs summed in another order than OpenBLAS). The EMA update is exact: torch's CPU lerp takes the
// same branch (weight < 0.5 or not) and is a fused multiply-add, which ema_update computes in
// double (exact product; see remedies_noise_ema.cpp for the rare double rounding).

TEST_CASE("Instance noise: the stream's draw, the noisy input and D's gradients on it are PyTorch's",
          "[reference][remedy][noise]") {
    const ReferenceFile& ref = remedies();
    const std::vector<float> x = ref.f32("noise.x"), unit_expected = ref.f32("noise.unit"),
                             noisy_expected = ref.f32("noise.noisy");
    REQUIRE(x.size() == 2 * 784);
    std::vector<float> unit(x.size()), noisy(x.size());
    instance_noise_draw(7, 5, 1, unit.data(), unit.size());  // seed 7, D step 1 of iteration 5
    REQUIRE(unit == unit_expected);
    instance_noise_add(x.data(), unit.data(), 0.25f, noisy.data(), noisy.size());
    REQUIRE(noisy == noisy_expected);
    // A different phase or step draws different noise (the stream is keyed by both).
    std::vector<float> other(x.size());
    instance_noise_draw(7, 5, 0, other.data(), other.size());
    CHECK(other != unit);
    instance_noise_draw(7, 6, 1, other.data(), other.size());
    CHECK(other != unit);

    Sequential d = derived_discriminator();
    SequentialCache cache;
    const ConstMatrixView logits =
        sequential_forward(d, cache, ConstMatrixView(noisy.data(), 2, 784), BatchNormMode::Train);
    std::vector<float> d_logits(2);
    objective_find("bce")->d_real(logits.data(), 2, d_logits.data(), ObjectiveParams{});
    sequential_backward(d, cache, ConstMatrixView(d_logits.data(), 2, 1), true, false);
    check_network(ref, "noise.d_grad", d, true, kPenalty);
}

TEST_CASE("The EMA update is torch's lerp, at the warm-up's first decay and at 0.3 and 0.999",
          "[reference][remedy][ema]") {
    const ReferenceFile& ref = remedies();
    const std::vector<float> before = ref.f32("ema.before"), weights = ref.f32("ema.weights");
    REQUIRE(before.size() == 64);
    CHECK(ema_decay_at(0.999f, 0) == Approx(0.1));  // TF's warm-up: (1 + 0) / (10 + 0)
    const GanConfig c = seed_config_batch8();
    for (const char* decay : {"0.1", "0.3", "0.999"}) {
        Sequential ema(generator_layers(c)), g(generator_layers(c));
        std::copy(before.begin(), before.end(), ema.params.begin());
        std::copy(weights.begin(), weights.end(), g.params.begin());
        ema_update(ema, g, double(std::stof(decay)));
        const std::vector<float> expected = ref.f32(std::string("ema.after.") + decay);
        INFO("decay " << decay);
        REQUIRE(std::equal(expected.begin(), expected.end(), ema.params.begin()));
        // Buffers (BatchNorm's running statistics) are copied, not averaged.
        CHECK(ema.buffers == g.buffers);
    }
}

TEST_CASE("g_batchnorm=false: G without BatchNorm, three seed iterations' losses and final weights",
          "[reference][architecture][training]") {
    const ReferenceFile& ref = remedies();
    const ReferenceInputs& in = inputs();
    GanConfig c = seed_config_batch8();
    REQUIRE(settings_set_text(&c, "g_batchnorm", "false").ok);
    REQUIRE(gan_config_validate(c).ok);
    Gan gan(c, 0);
    REQUIRE(gan.generator().layers.size() == 8);  // Linear, LeakyReLU x3, Linear, Tanh: model.0..7
    derive_gan_weights(gan.generator(), gan.discriminator());
    const std::vector<double> d_loss = ref.f64("train_nobn.d_loss"), g_loss = ref.f64("train_nobn.g_loss");
    REQUIRE(d_loss.size() == 3);
    for (size_t k = 0; k < 3; ++k) {
        const StepStats s = gan.train_step_with(const_view_of(in.real[k]), const_view_of(in.z_d_iter[k]),
                                                const_view_of(in.z_g_iter[k]));
        // 1e-4 relative: float32 sums in a different order than PyTorch's (test_reference.cpp).
        check_scalar("train_nobn.d_loss[" + std::to_string(k) + "]", s.d_loss, d_loss[k], kPenaltyRel);
        check_scalar("train_nobn.g_loss[" + std::to_string(k) + "]", s.g_loss, g_loss[k], kPenaltyRel);
    }
    // No bias feeds a BatchNorm, so no tensor gets the seed's Adam-amplified-noise allowance: every
    // weight of both networks at 1e-4 relative.
    check_network(ref, "train_nobn.final.generator", gan.generator(), false, kPenalty);
    check_network(ref, "train_nobn.final.discriminator", gan.discriminator(), false, kPenalty);
}
