// test_lone_updates.cpp - Step D / Step G: one D or one G update alone, recorded in the recipe
// (gan/recipe.h: the "update" entries) so replaying the recipe, loading a checkpoint or reading
// the recipe's JSON and link gives the same bits.
#include <catch2/catch.hpp>

#include "gan/gan.h"
#include "gan/recipe.h"
#include "io/checkpoint.h"
#include "io/link.h"
#include "test_support.h"

using namespace ganvas;
using namespace ganvas_test;

namespace {

GanConfig small_config() {
    GanConfig c = seed_config();
    c.batch_size = 16;  // quick steps; the lone updates do not depend on the size
    return c;
}

}  // namespace

TEST_CASE("A lone D update changes D only, a lone G update G only; neither counts as an iteration", "[gan][lone]") {
    Gan gan(small_config(), 3);
    gan.train_step(mnist());
    const auto g0 = gan.generator().params, d0 = gan.discriminator().params;
    StepStats d_stats, g_stats;
    REQUIRE(gan.train_alone('d', mnist(), &d_stats).ok);
    CHECK(gan.step() == 1);
    CHECK(d_stats.step == 1);
    CHECK(std::isfinite(d_stats.d_loss));
    CHECK(d_stats.d_real > 0.0f);
    CHECK(gan.discriminator().params != d0);
    CHECK(gan.generator().params == g0);
    const auto d1 = gan.discriminator().params;
    REQUIRE(gan.train_alone('g', mnist(), &g_stats).ok);
    CHECK(std::isfinite(g_stats.g_loss));
    CHECK(gan.discriminator().params == d1);
    CHECK(gan.generator().params != g0);
    CHECK(gan.lone_updates('d') == 1);
    CHECK(gan.lone_updates('g') == 1);
    REQUIRE(gan.recipe().timeline.size() == 2);
    CHECK(gan.recipe().timeline[0].step == 1);
    CHECK(gan.recipe().timeline[0].key == "update");
    CHECK(gan.recipe().timeline[0].value == "\"d\"");
    CHECK(gan.recipe().timeline[1].value == "\"g\"");
    StepStats ignored;
    CHECK_FALSE(gan.train_alone('x', mnist(), &ignored).ok);
    CHECK(gan.recipe().timeline.size() == 2);
}

TEST_CASE("Replaying a recipe with lone updates and changes gives the same bits (also via JSON and checkpoints)",
          "[gan][lone][determinism]") {
    Gan a(small_config(), 5);
    StepStats s;
    REQUIRE(a.train_alone('d', mnist(), &s).ok);  // at step 0: before the first iteration
    a.train_step(mnist());
    a.train_step(mnist());
    REQUIRE(a.train_alone('d', mnist(), &s).ok);
    REQUIRE(a.train_alone('d', mnist(), &s).ok);
    REQUIRE(a.change_setting("adam_g.lr", "0.0001").ok);
    REQUIRE(a.train_alone('g', mnist(), &s).ok);
    a.train_step(mnist());
    const std::vector<uint8_t> mid = checkpoint_serialize(a);
    REQUIRE(a.train_alone('g', mnist(), &s).ok);  // a trailing one, at step 3
    const std::vector<uint8_t> bytes = checkpoint_serialize(a);

    Recipe recipe;
    REQUIRE(recipe_from_json(recipe_to_json(a.recipe()), &recipe).ok);
    REQUIRE(recipe.timeline.size() == 6);
    Gan b(recipe);
    for (int i = 0; i < 3; ++i) b.train_step(mnist());  // the trailing update follows iteration 3
    CHECK(b.lone_updates('d') == 3);
    CHECK(b.lone_updates('g') == 2);
    CHECK(checkpoint_serialize(b) == bytes);

    // A checkpoint taken before the trailing update continues to the same bits.
    std::unique_ptr<Gan> loaded;
    REQUIRE(checkpoint_load_new(mid.data(), mid.size(), &loaded).ok);
    CHECK(loaded->lone_updates('d') == 3);
    CHECK(loaded->lone_updates('g') == 1);
    REQUIRE(loaded->train_alone('g', mnist(), &s).ok);
    CHECK(checkpoint_serialize(*loaded) == bytes);
    // And one of every update continues like the original.
    std::unique_ptr<Gan> whole;
    REQUIRE(checkpoint_load_new(bytes.data(), bytes.size(), &whole).ok);
    a.train_step(mnist());
    whole->train_step(mnist());
    CHECK(checkpoint_serialize(*whole) == checkpoint_serialize(a));
}

TEST_CASE("Recipes without lone updates read and write as before; bad update entries are refused", "[gan][lone]") {
    Recipe old;
    const std::string json = "{\"config\":" + gan_config_to_json(seed_config()) +
                             ",\"seed\":1,\"timeline\":[{\"step\":5,\"key\":\"adam_g.lr\",\"value\":0.0001}]}";
    REQUIRE(recipe_from_json(json, &old).ok);
    CHECK(recipe_to_json(old) == json);
    Recipe r = recipe_of(seed_config(), 1);
    CHECK(recipe_add_change(&r, 2, "update", "d").ok);
    CHECK(recipe_add_change(&r, 2, "update", "\"g\"").ok);
    CHECK(recipe_to_json(r).find("{\"step\":2,\"key\":\"update\",\"value\":\"d\"}") != std::string::npos);
    const Status bad = recipe_add_change(&r, 2, "update", "x");
    CHECK_FALSE(bad.ok);
    CHECK(bad.message.find("update") != std::string::npos);
    CHECK_FALSE(recipe_add_change(&r, 1, "update", "d").ok);  // steps never go back
    CHECK(r.timeline.size() == 2);
    CHECK(gan_config_to_json(recipe_config_at(r, 10)) == gan_config_to_json(seed_config()));
}
