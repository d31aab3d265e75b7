// test_objective.cpp - the training step's open parts: the objective behind its interface,
// several D steps per G step, and sampling with given weights.
#include <catch2/catch.hpp>

#include <cmath>

#include "gan/gan.h"
#include "gan/objective.h"
#include "gan/sampler.h"
#include "gan/settings.h"
#include "gan/streams.h"
#include "io/checkpoint.h"
#include "nn/loss.h"
#include "test_support.h"

using namespace ganvas;
using ganvas_test::mnist;
using ganvas_test::seed_config;

TEST_CASE("The bce objective is the seed's criterion on logits, halves included", "[objective]") {
    const Objective* bce = objective_find("bce");
    REQUIRE(bce != nullptr);
    CHECK(objective_find("no-such-objective") == nullptr);
    CHECK(objective_names().front() == "bce");
    const float logits[5] = {-3.0f, -0.25f, 0.0f, 1.5f, 40.0f};
    float grad[5], expected[5];
    // D: 0.5 * BCE(x, 1) + 0.5 * BCE(x, 0), gradients halved; G: BCE(x, 1).
    CHECK(bce->d_real(logits, 5, grad, {}) == 0.5f * bce_with_logits(logits, 5, 1.0f, expected, 0.5f));
    for (int i = 0; i < 5; ++i) CHECK(grad[i] == expected[i]);
    CHECK(bce->d_fake(logits, 5, grad, {}) == 0.5f * bce_with_logits(logits, 5, 0.0f, expected, 0.5f));
    for (int i = 0; i < 5; ++i) CHECK(grad[i] == expected[i]);
    CHECK(bce->g(logits, 5, grad, {}) == bce_with_logits(logits, 5, 1.0f, expected, 1.0f));
    for (int i = 0; i < 5; ++i) CHECK(grad[i] == expected[i]);
    // By hand: BCE(0, 1) = log 2; d/dx at 0 = sigmoid(0) - 1 = -1/2, over n = 1.
    const float zero = 0.0f;
    CHECK(bce->g(&zero, 1, grad, {}) == Approx(std::log(2.0)).epsilon(1e-6));
    CHECK(grad[0] == -0.5f);
}

TEST_CASE("Several D steps per G step: the first D step is the one-step run's, parts give whole-step bits",
          "[gan][d_steps]") {
    GanConfig two = seed_config();
    two.d_steps = 2;
    REQUIRE(gan_config_validate(two).ok);
    Gan one_d(seed_config(), 9), two_d(two, 9), parts(two, 9);
    CHECK(two_d.parts_per_iteration() == 6);
    CHECK(one_d.parts_per_iteration() == 4);

    // After its first D step, the two-step Gan's D is exactly the one-step Gan's after its D
    // step: the same real batch and z from the same streams.
    StepStats done;
    REQUIRE_FALSE(one_d.train_half_step(mnist(), &done));
    REQUIRE_FALSE(two_d.train_half_step(mnist(), &done));
    CHECK(one_d.at_g_step());
    CHECK_FALSE(two_d.at_g_step());
    CHECK(one_d.discriminator().params == two_d.discriminator().params);
    // The second D step moves D again; G has not moved yet in either.
    REQUIRE_FALSE(two_d.train_half_step(mnist(), &done));
    CHECK(two_d.at_g_step());
    CHECK(one_d.discriminator().params != two_d.discriminator().params);
    CHECK(one_d.generator().params == two_d.generator().params);
    REQUIRE(two_d.train_half_step(mnist(), &done));
    CHECK(done.step == 1);
    CHECK(two_d.adam_d().step == 2);
    CHECK(two_d.adam_g().step == 1);
    CHECK(std::isfinite(done.d_loss));
    CHECK(std::isfinite(done.g_loss));

    // Parts, in any mix, give the bits of whole iterations.
    for (int p = 0; p < 6; ++p) {
        const bool completed = parts.train_part(mnist(), &done);
        CHECK(completed == (p == 5));
    }
    for (int i = 0; i < 3; ++i) {
        const StepStats whole = two_d.train_step(mnist());
        StepStats from_parts;
        while (!parts.train_part(mnist(), &from_parts)) {
        }
        CHECK(from_parts.d_loss == whole.d_loss);
        CHECK(from_parts.g_loss == whole.g_loss);
    }
    CHECK(checkpoint_serialize(two_d) == checkpoint_serialize(parts));
}

TEST_CASE("Sampling takes the weights it is given and never changes the model", "[gan][sampler]") {
    Gan gan(seed_config(), 2);
    for (int i = 0; i < 3; ++i) gan.train_step(mnist());
    const std::vector<uint8_t> before = checkpoint_serialize(gan);
    Matrix z(8, seed_config().latent_dim), a(8, 784), b(8, 784);
    sample_z_rows(2, 0, view_of(z));
    SequentialCache cache;
    sample_images(gan.sample_generator(), cache, const_view_of(z), view_of(a), BatchNormMode::TrainNoUpdate);
    gan.generate(const_view_of(z), view_of(b), BatchNormMode::TrainNoUpdate);
    CHECK(a == b);
    // Other weights, other images: a copy of G with one weight changed.
    Sequential other = gan.sample_generator();
    other.params[0] += 0.5f;
    sample_images(other, cache, const_view_of(z), view_of(b), BatchNormMode::Eval);
    sample_images(gan.sample_generator(), cache, const_view_of(z), view_of(a), BatchNormMode::Eval);
    CHECK(a != b);
    CHECK(checkpoint_serialize(gan) == before);
}

TEST_CASE("The z of (seed, index) does not depend on what else is drawn", "[streams]") {
    Matrix rows(5, 100);
    sample_z_rows(7, 3, view_of(rows));
    std::vector<float> single(100);
    sample_z(7, 5, 100, single.data());
    for (int k = 0; k < 100; ++k) CHECK(rows(2, k) == single[size_t(k)]);
    sample_z(7, 6, 100, single.data());
    CHECK(rows(2, 0) != single[0]);  // another index, another z
    sample_z(8, 5, 100, single.data());
    CHECK(rows(2, 0) != single[0]);  // another seed, another z
    // Pinned: a link names a digit by (seed, index); these values must never change.
    sample_z(1, 0, 100, single.data());
    CHECK(content_hash_hex(reinterpret_cast<const uint8_t*>(single.data()), 400) == "a7e51e251d3146c0");
}

TEST_CASE("Live settings change between iterations and are recorded; network shapes are refused",
          "[gan][settings]") {
    Gan gan(seed_config(), 4), same(seed_config(), 4);
    gan.train_step(mnist());
    same.train_step(mnist());
    REQUIRE(gan.change_setting("adam_g.lr", "0.001").ok);
    REQUIRE(gan.change_setting("d_steps", "2").ok);
    CHECK(gan.config().d_steps == 2);
    CHECK(gan.config().adam_g.lr == 0.001f);
    CHECK(gan.parts_per_iteration() == 6);
    REQUIRE(gan.recipe().timeline.size() == 2);
    CHECK(gan.recipe().timeline[0].step == 1);
    gan.train_step(mnist());
    same.train_step(mnist());
    CHECK(gan.generator().params != same.generator().params);

    const std::vector<uint8_t> before = checkpoint_serialize(gan);
    Status s = gan.change_setting("g_hidden", "64,256,512");
    CHECK_THAT(s.message, Catch::Contains("reset-only"));
    s = gan.change_setting("adam_d.lr", "-1");
    CHECK_FALSE(s.ok);
    s = gan.change_setting("objective", "no-such-objective");
    CHECK_FALSE(s.ok);
    CHECK(checkpoint_serialize(gan) == before);  // refusals change nothing, recipe included
    StepStats done;
    gan.train_part(mnist(), &done);
    s = gan.change_setting("adam_g.lr", "0.0002");
    CHECK_THAT(s.message, Catch::Contains("between iterations"));
    while (!gan.train_part(mnist(), &done)) {
    }
    CHECK(gan.config().adam_g.lr == 0.001f);
}

TEST_CASE("A recipe replays: changes made live, a recipe given up front, and resumed from a checkpoint",
          "[gan][recipe]") {
    // Live: changes made with change_setting at steps 3 and 5.
    Gan live(seed_config(), 11);
    for (int i = 0; i < 7; ++i) {
        if (i == 3) {
            REQUIRE(live.change_setting("adam_g.lr", "0.001").ok);
            REQUIRE(live.change_setting("d_steps", "2").ok);
        }
        if (i == 5) REQUIRE(live.change_setting("adam_d.beta1", "0.9").ok);
        live.train_step(mnist());
    }
    CHECK(live.config().d_steps == 2);
    CHECK(live.config().adam_d.beta1 == 0.9f);
    REQUIRE(live.recipe().timeline.size() == 3);

    // Up front: the same recipe, followed by the Gan itself; the same bits.
    Gan replayed(live.recipe());
    std::vector<uint8_t> at_three;
    for (int i = 0; i < 7; ++i) {
        replayed.train_step(mnist());
        if (replayed.step() == 3) at_three = checkpoint_serialize(replayed);
    }
    CHECK(checkpoint_serialize(replayed) == checkpoint_serialize(live));

    // Resumed at step 3, where changes apply: the checkpoint's recipe carries those ahead.
    std::unique_ptr<Gan> resumed;
    REQUIRE(checkpoint_load_new(at_three.data(), at_three.size(), &resumed).ok);
    CHECK(resumed->config().d_steps == 2);  // in effect once 3 steps are done
    while (resumed->step() < 7) resumed->train_step(mnist());
    CHECK(checkpoint_serialize(*resumed) == checkpoint_serialize(live));
    // Without the timeline the run differs: it matters.
    Gan ignored(seed_config(), 11);
    for (int i = 0; i < 7; ++i) ignored.train_step(mnist());
    CHECK(ignored.generator().params != live.generator().params);
}

TEST_CASE("Every objective trains: finite losses, and each moves the weights its own way", "[gan][objective]") {
    std::vector<std::vector<float>> weights;
    for (const std::string& name : objective_names()) {
        INFO(name);
        GanConfig c = seed_config();
        REQUIRE(settings_set_text(&c, "objective", name).ok);
        Gan gan(c, 3);
        for (int i = 0; i < 3; ++i) {
            const StepStats s = gan.train_step(mnist());
            CHECK(std::isfinite(s.d_loss));
            CHECK(std::isfinite(s.g_loss));
        }
        for (const std::vector<float>& other : weights) CHECK(gan.generator().params != other);
        weights.push_back(gan.generator().params);
    }
}
