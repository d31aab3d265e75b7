// test_objective.cpp - the training step's open parts: the objective behind its interface,
// several D steps per G step, and sampling with given weights.
#include <catch2/catch.hpp>

#include <cmath>

#include "gan/gan.h"
#include "gan/objective.h"
#include "gan/sampler.h"
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
    CHECK(bce->d_real(logits, 5, grad) == 0.5f * bce_with_logits(logits, 5, 1.0f, expected, 0.5f));
    for (int i = 0; i < 5; ++i) CHECK(grad[i] == expected[i]);
    CHECK(bce->d_fake(logits, 5, grad) == 0.5f * bce_with_logits(logits, 5, 0.0f, expected, 0.5f));
    for (int i = 0; i < 5; ++i) CHECK(grad[i] == expected[i]);
    CHECK(bce->g(logits, 5, grad) == bce_with_logits(logits, 5, 1.0f, expected, 1.0f));
    for (int i = 0; i < 5; ++i) CHECK(grad[i] == expected[i]);
    // By hand: BCE(0, 1) = log 2; d/dx at 0 = sigmoid(0) - 1 = -1/2, over n = 1.
    const float zero = 0.0f;
    CHECK(bce->g(&zero, 1, grad) == Approx(std::log(2.0)).epsilon(1e-6));
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

TEST_CASE("Live settings apply from the next iteration; network shapes are refused", "[gan][settings]") {
    Gan gan(seed_config(), 4), same(seed_config(), 4);
    gan.train_step(mnist());
    same.train_step(mnist());
    GanConfig faster = seed_config();
    faster.adam_g.lr = 1e-3f;
    faster.d_steps = 2;
    REQUIRE(gan.set_config(faster).ok);
    CHECK(gan.config().d_steps == 2);
    CHECK(gan.parts_per_iteration() == 6);
    gan.train_step(mnist());
    same.train_step(mnist());
    CHECK(gan.generator().params != same.generator().params);

    GanConfig wider = faster;
    wider.g_hidden[0] = 64;
    const std::vector<uint8_t> before = checkpoint_serialize(gan);
    Status s = gan.set_config(wider);
    CHECK_FALSE(s.ok);
    CHECK_THAT(s.message, Catch::Contains("g_hidden"));
    GanConfig absurd = faster;
    absurd.adam_d.lr = -1.0f;
    CHECK_FALSE(gan.set_config(absurd).ok);
    CHECK(checkpoint_serialize(gan) == before);  // refusals change nothing
    StepStats done;
    gan.train_part(mnist(), &done);
    s = gan.set_config(seed_config());
    CHECK_THAT(s.message, Catch::Contains("between iterations"));
    while (!gan.train_part(mnist(), &done)) {
    }
    CHECK(gan.config().d_steps == 2);
}

TEST_CASE("A recipe's timeline replays: straight, and resumed from a checkpoint before the change",
          "[gan][recipe]") {
    Recipe recipe = recipe_of(seed_config(), 11);
    REQUIRE(recipe_add_change(&recipe, 3, "adam_g.lr", "0.001").ok);
    REQUIRE(recipe_add_change(&recipe, 3, "d_steps", "2").ok);
    REQUIRE(recipe_add_change(&recipe, 5, "adam_d.beta1", "0.9").ok);

    // By hand: set_config at steps 3 and 5.
    Gan by_hand(seed_config(), 11);
    for (int i = 0; i < 7; ++i) {
        if (i == 3 || i == 5) REQUIRE(by_hand.set_config(recipe_config_at(recipe, i)).ok);
        by_hand.train_step(mnist());
    }
    CHECK(by_hand.config().d_steps == 2);
    CHECK(by_hand.config().adam_d.beta1 == 0.9f);

    // Followed: the same bits.
    Gan followed(recipe.config, recipe.seed);
    std::vector<uint8_t> at_two;
    for (int i = 0; i < 7; ++i) {
        REQUIRE(gan_follow_recipe(followed, recipe).ok);
        followed.train_step(mnist());
        if (followed.step() == 2) at_two = checkpoint_serialize(followed, recipe);
    }
    CHECK(checkpoint_serialize(followed, recipe) == checkpoint_serialize(by_hand, recipe));

    // Resumed from step 2: the checkpoint carries the recipe, whose changes still lie ahead.
    std::unique_ptr<Gan> resumed;
    Recipe loaded;
    REQUIRE(checkpoint_load_new(at_two.data(), at_two.size(), &resumed, &loaded).ok);
    REQUIRE(loaded.timeline.size() == 3);
    while (resumed->step() < 7) {
        REQUIRE(gan_follow_recipe(*resumed, loaded).ok);
        resumed->train_step(mnist());
    }
    CHECK(checkpoint_serialize(*resumed, loaded) == checkpoint_serialize(by_hand, recipe));
    // Without following it, the run differs: the timeline matters.
    Gan ignored(recipe.config, recipe.seed);
    for (int i = 0; i < 7; ++i) ignored.train_step(mnist());
    CHECK(ignored.generator().params != by_hand.generator().params);
}
