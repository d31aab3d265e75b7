// test_training.cpp - the seed's GAN trains on real digits: 200 steps stay finite, samples
// depend on z, and a run is reproducible from its seed.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include "gan/gan.h"
#include "gan/settings.h"
#include "test_support.h"

using namespace ganvas;
using ganvas_test::mnist;
using ganvas_test::seed_config;

TEST_CASE("The seed's networks have the seed's layers and parameter counts", "[gan]") {
    Gan gan(seed_config(), 1);
    // G: 100*128+128 + 128*256+256 + 2*256 + 256*512+512 + 2*512 + 512*784+784
    CHECK(gan.generator().params.size() == 12928 + 33024 + 512 + 131584 + 1024 + 402192);
    // D: 784*512+512 + 512*256+256 + 256+1
    CHECK(gan.discriminator().params.size() == 401920 + 131328 + 257);
    CHECK(gan.generator().tensors[6].name == "model.3.running_mean");
    // D ends at its logit: the seed's Sigmoid lives in the objective (gan/objective.h).
    CHECK(gan.discriminator().layers.back().spec.kind == LayerKind::Linear);
    CHECK(gan.discriminator().features_out() == 1);
}

TEST_CASE("Absurd configs are refused with a reason", "[gan]") {
    GanConfig c = seed_config();
    c.batch_size = 1;
    CHECK_THAT(gan_config_validate(c).message, Catch::Contains("batch"));
    c = seed_config();
    c.adam_g.lr = std::nanf("");
    CHECK_FALSE(gan_config_validate(c).ok);
    c = seed_config();
    c.latent_dim = 0;
    CHECK_FALSE(gan_config_validate(c).ok);
    GanConfig unknown;
    CHECK_FALSE(gan_config_preset("no-such-preset", &unknown));
}

TEST_CASE("Every preset is the seed with its one line of changes, and valid", "[gan][settings]") {
    const std::vector<std::string> names = gan_config_preset_names();
    REQUIRE(!names.empty());
    CHECK(names.front() == "seed");
    CHECK(gan_config_preset_changes("seed").empty());
    for (const std::string& name : names) {
        INFO(name);
        GanConfig preset;
        REQUIRE(gan_config_preset(name, &preset));  // each change parses (settings_set_assignment)
        CHECK(gan_config_validate(preset).ok);
        CHECK_FALSE(gan_config_preset_summary(name).empty());
        GanConfig by_hand = seed_config();  // the line's changes onto the seed, nothing else
        std::istringstream words(gan_config_preset_changes(name));
        std::string assignment;
        while (words >> assignment) REQUIRE(settings_set_assignment(&by_hand, assignment).ok);
        CHECK(gan_config_to_json(by_hand) == gan_config_to_json(preset));
        if (name != "seed") CHECK(gan_config_to_json(preset) != gan_config_to_json(seed_config()));
    }
    CHECK(gan_config_preset_changes("no-such-preset").empty());
}

TEST_CASE("200 training steps on MNIST keep losses finite and samples varied", "[gan][training]") {
    Gan gan(seed_config(), 7);
    StepStats last;
    for (int i = 0; i < 200; ++i) {
        last = gan.train_step(mnist());
        REQUIRE(std::isfinite(last.d_loss));
        REQUIRE(std::isfinite(last.g_loss));
    }
    CHECK(last.step == 200);
    CHECK(gan.step() == 200);
    INFO("d_loss " << last.d_loss << " g_loss " << last.g_loss << " D(x) " << last.d_real << " D(G(z)) " << last.d_fake);
    // D has learned something and G is being pushed: neither loss is stuck at log(2)=0.693
    // with D at chance, and D(x) > D(G(z)) on average.
    CHECK(last.d_real > last.d_fake);
    for (float p : gan.generator().params) REQUIRE(std::isfinite(p));

    Rng rng(1, 1);
    Matrix z(16, 100), images(16, 784);
    rng.fill_normal(z.data(), size_t(z.size()));
    gan.generate(const_view_of(z), view_of(images), BatchNormMode::Eval);
    CHECK(images.minCoeff() >= -1.0f);
    CHECK(images.maxCoeff() <= 1.0f);
    // Different z give different images: the mean per-pixel spread across samples is clearly
    // non-zero (a collapsed or constant generator would give ~0).
    const Eigen::RowVectorXf mean = images.colwise().mean();
    const float spread = std::sqrt((images.rowwise() - mean).array().square().mean());
    INFO("per-pixel standard deviation across samples: " << spread);
    CHECK(spread > 0.05f);
    // Not blank: some pixels are ink (> 0) and some background (< -0.5).
    CHECK((images.array() > 0.0f).count() > 16 * 20);
    CHECK((images.array() < -0.5f).count() > 16 * 200);
}

TEST_CASE("Training is bit-reproducible from the seed", "[gan][determinism]") {
    Gan a(seed_config(), 3), b(seed_config(), 3), c(seed_config(), 4);
    for (int i = 0; i < 20; ++i) {
        a.train_step(mnist());
        b.train_step(mnist());
        c.train_step(mnist());
    }
    CHECK(a.generator().params == b.generator().params);
    CHECK(a.discriminator().params == b.discriminator().params);
    CHECK(a.generator().buffers == b.generator().buffers);
    CHECK(a.generator().params != c.generator().params);
}
