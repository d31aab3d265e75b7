// test_remedies.cpp - the remedies as settings: off by default and invisible in files then,
// recorded when on, refused in combinations that cannot work, and leaving every other random
// stream's draws alone. (Their numbers against PyTorch: test_remedies_reference.cpp.)
#include <catch2/catch.hpp>

#include "gan/gan.h"
#include "gan/networks.h"
#include "gan/settings.h"
#include "io/checkpoint.h"
#include "io/link.h"
#include "nn/double_backward.h"
#include "test_support.h"

using namespace ganvas;
using ganvas_test::mnist;
using ganvas_test::seed_config;

TEST_CASE("Remedy settings: off by default, omitted from JSON and links at their defaults, written when used",
          "[remedies][settings]") {
    for (const char* key : {"gp_lambda", "r1_gamma"}) {
        INFO(key);
        const Setting* s = settings_find(key);
        REQUIRE(s != nullptr);
        CHECK(s->omit_at_default);
        CHECK(s->scope == SettingScope::Live);
        CHECK_FALSE(settings_written(GanConfig{}, *s));
        CHECK(gan_config_to_json(GanConfig{}).find(key) == std::string::npos);
    }
    GanConfig c;
    REQUIRE(settings_set_text(&c, "r1_gamma", "0.5").ok);
    REQUIRE(settings_set_text(&c, "gp_lambda", "5").ok);
    const std::string json = gan_config_to_json(c);
    CHECK(json.find("\"gp_lambda\":5.0,\"r1_gamma\":0.5") != std::string::npos);
    GanConfig back;
    REQUIRE(gan_config_from_json(json, &back).ok);
    CHECK(back.r1_gamma == 0.5f);
    CHECK(back.gp_lambda == 5.0f);
    CHECK_THAT(settings_set_text(&c, "r1_gamma", "-1").message, Catch::Contains("the R1 weight must be in [0, 1000]"));
    CHECK_THAT(settings_set_text(&c, "gp_lambda", "1001").message,
               Catch::Contains("the gradient penalty's weight must be in [0, 1000]"));

    // Links: the seed's link names no remedy; one with R1 on names it and parses back to it.
    ShareLink link;
    link.recipe = recipe_of(GanConfig{}, 1);
    link.steps = 10;
    CHECK(link_to_fragment(link).find("r1_gamma") == std::string::npos);
    link.recipe = recipe_of(c, 1);
    const std::string text = link_to_fragment(link);
    CHECK(text.find("&gp_lambda=5.0&r1_gamma=0.5") != std::string::npos);
    ShareLink parsed;
    REQUIRE(link_parse(text, &parsed).ok);
    CHECK(parsed.recipe.config.r1_gamma == 0.5f);
    CHECK(link_to_fragment(parsed) == text);
}

TEST_CASE("Penalties need a D whose layers all have a double backward", "[remedies][penalty]") {
    CHECK(sequential_has_double_backward(discriminator_layers(GanConfig{})));
    // BatchNorm and Tanh have none: a network with them cannot be penalised (G here).
    CHECK_FALSE(sequential_has_double_backward(generator_layers(GanConfig{})));
    CHECK_FALSE(sequential_has_double_backward({LayerSpec::linear(4, 4), LayerSpec::tanh()}));
    CHECK(sequential_has_double_backward({LayerSpec::linear(4, 4), LayerSpec::leaky_relu(0.2f), LayerSpec::linear(4, 1)}));
}

TEST_CASE("A penalty changes D's training, never the draws of the other streams; live changes are recorded",
          "[remedies][penalty]") {
    GanConfig off = seed_config(), on = seed_config();
    off.objective = on.objective = "wgan-gp";
    off.gp_lambda = 0.0f;
    Gan a(off, 6), b(on, 6);
    for (int i = 0; i < 3; ++i) {
        const StepStats sa = a.train_step(mnist()), sb = b.train_step(mnist());
        CHECK(sa.d_penalty == 0.0f);
        CHECK(sb.d_penalty > 0.0f);
    }
    CHECK(a.discriminator().params != b.discriminator().params);
    const TrainerState ta = a.trainer_state(), tb = b.trainer_state();
    CHECK(ta.noise.state == tb.noise.state);
    CHECK(ta.data.state == tb.data.state);
    // Resumed from a checkpoint, a penalised run continues bit for bit (eps is keyed by step).
    const std::vector<uint8_t> at3 = checkpoint_serialize(b);
    std::unique_ptr<Gan> resumed;
    REQUIRE(checkpoint_load_new(at3.data(), at3.size(), &resumed).ok);
    b.train_step(mnist());
    resumed->train_step(mnist());
    CHECK(checkpoint_serialize(*resumed) == checkpoint_serialize(b));
    // R1 switched on live is a recorded change.
    REQUIRE(a.change_setting("r1_gamma", "2").ok);
    CHECK(a.train_step(mnist()).d_penalty > 0.0f);
    REQUIRE(a.recipe().timeline.size() == 1);
    CHECK(a.recipe().timeline[0].key == "r1_gamma");
}

TEST_CASE("One-sided label smoothing: real_label 1 is the seed, below 1 moves D; ignored without a target",
          "[remedies][smoothing]") {
    GanConfig smooth = seed_config(), plain = seed_config();
    REQUIRE(settings_set_text(&smooth, "real_label", "0.9").ok);
    REQUIRE(settings_set_text(&plain, "real_label", "1").ok);
    CHECK(gan_config_to_json(plain) == gan_config_to_json(seed_config()));  // 1 is "off": not written
    CHECK(gan_config_to_json(smooth).find("\"real_label\":0.9") != std::string::npos);
    Gan a(smooth, 2), b(plain, 2), seed(seed_config(), 2);
    a.train_step(mnist());
    b.train_step(mnist());
    seed.train_step(mnist());
    CHECK(checkpoint_serialize(b) == checkpoint_serialize(seed));
    CHECK(a.discriminator().params != seed.discriminator().params);
    // Objectives without a target ignore it (a live change of either never makes a bad pair).
    GanConfig hinge = smooth, hinge_plain = plain;
    hinge.objective = hinge_plain.objective = "hinge";
    Gan h(hinge, 2), hp(hinge_plain, 2);
    h.train_step(mnist());
    hp.train_step(mnist());
    CHECK(h.discriminator().params == hp.discriminator().params);
    CHECK_THAT(settings_set_text(&smooth, "real_label", "0.4").message, Catch::Contains("the real label must be in [0.5, 1]"));
}
