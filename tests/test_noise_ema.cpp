// test_noise_ema.cpp - annealed instance noise and the EMA of G (gan/remedies_noise_ema.h):
// the anneal schedule, the settings' messages, live switching recorded in the recipe, what
// samples come from, and checkpoints that resume bit for bit. PyTorch checks of the formulas are
// in test_remedies_reference.cpp; thread and platform bits in test_determinism.cpp.
#include <catch2/catch.hpp>

#include <memory>

#include "gan/gan.h"
#include "gan/remedies_noise_ema.h"
#include "gan/settings.h"
#include "io/checkpoint.h"
#include "io/generator_file.h"
#include "io/safetensors.h"
#include "io/link.h"
#include "test_support.h"

using namespace ganvas;
using ganvas_test::mnist;
using ganvas_test::seed_config;

namespace {

GanConfig with(const std::vector<std::string>& assignments) {
    GanConfig c = seed_config();
    for (const std::string& a : assignments) REQUIRE(settings_set_assignment(&c, a).ok);
    REQUIRE(gan_config_validate(c).ok);
    return c;
}

std::string refusal(const std::string& assignment) {
    GanConfig c = seed_config();
    const Status s = settings_set_assignment(&c, assignment);
    CHECK_FALSE(s.ok);
    CHECK(gan_config_to_json(c) == gan_config_to_json(seed_config()));  // unchanged on error
    return s.message;
}

}  // namespace

TEST_CASE("Instance noise anneals linearly to 0 from its last change; 0 steps keep it constant", "[noise]") {
    Recipe r = recipe_of(with({"instance_noise=0.4", "instance_noise_steps=4"}), 1);
    const float expected[] = {0.4f, 0.4f * 0.75f, 0.4f * 0.5f, 0.4f * 0.25f, 0.0f, 0.0f};
    for (int step = 0; step < 6; ++step) CHECK(instance_noise_sigma(r, r.config, step) == expected[step]);
    // A change (here: sigma 0.2 at step 10) starts the anneal again from that step.
    REQUIRE(recipe_add_change(&r, 10, "instance_noise", "0.2").ok);
    CHECK(instance_noise_start(r, 9) == 0);
    CHECK(instance_noise_start(r, 12) == 10);
    const GanConfig at12 = recipe_config_at(r, 12);
    CHECK(instance_noise_sigma(r, at12, 10) == 0.2f);
    CHECK(instance_noise_sigma(r, at12, 12) == 0.2f * 0.5f);
    CHECK(instance_noise_sigma(r, at12, 14) == 0.0f);
    // Unrelated changes do not restart it.
    REQUIRE(recipe_add_change(&r, 11, "adam_g.lr", "0.0001").ok);
    CHECK(instance_noise_start(r, 12) == 10);
    const Recipe constant = recipe_of(with({"instance_noise=0.3"}), 1);
    CHECK(instance_noise_sigma(constant, constant.config, 1000000) == 0.3f);
    CHECK(instance_noise_sigma(recipe_of(seed_config(), 1), seed_config(), 0) == 0.0f);  // off by default
}

TEST_CASE("The EMA's warm-up: min(decay, (1 + t) / (10 + t))", "[ema]") {
    CHECK(ema_decay_at(0.999f, 0) == 0.1);
    CHECK(ema_decay_at(0.999f, 1) == 2.0 / 11.0);
    CHECK(ema_decay_at(0.5f, 8) == 0.5);
    CHECK(ema_decay_at(0.999f, 100000) == double(0.999f));
}

TEST_CASE("The settings refuse bad values with a message naming the key", "[noise][ema][settings]") {
    CHECK(refusal("instance_noise=2.5") == "'instance_noise' = 2.5: instance noise sigma must be in [0, 2]");
    CHECK(refusal("instance_noise=-0.1") == "'instance_noise' = -0.1: instance noise sigma must be in [0, 2]");
    CHECK(refusal("instance_noise=nan").find("'instance_noise'") != std::string::npos);
    CHECK(refusal("instance_noise_steps=-1") == "'instance_noise_steps' = -1: the instance noise anneal must be 0..100000000 steps");
    CHECK(refusal("instance_noise_steps=1.5") == "'instance_noise_steps' must be an integer, not a number with a fraction");
    CHECK(refusal("ema_decay=1") == "'ema_decay' = 1.0: the EMA decay must be in [0, 0.9999]");
    CHECK(refusal("ema_decay=0.99995") == "'ema_decay' = 0.99995: the EMA decay must be in [0, 0.9999]");
    // Off by default, and not written then: the seed's config JSON (and every pinned hash) stays.
    CHECK(gan_config_to_json(seed_config()).find("ema_decay") == std::string::npos);
    CHECK(gan_config_to_json(seed_config()).find("instance_noise") == std::string::npos);
    const std::string json = gan_config_to_json(with({"instance_noise=0.1", "instance_noise_steps=3120", "ema_decay=0.999"}));
    CHECK(json.find("\"instance_noise\":0.1,\"instance_noise_steps\":3120,\"ema_decay\":0.999") != std::string::npos);
    for (const char* key : {"instance_noise", "instance_noise_steps", "ema_decay"})
        CHECK(settings_find(key)->scope == SettingScope::Live);
}

TEST_CASE("Instance noise switched on mid-run: recorded in the timeline, replayed bit for bit, other draws unchanged",
          "[noise][recipe]") {
    Gan live(seed_config(), 3), plain(seed_config(), 3);
    for (int i = 0; i < 3; ++i) {
        live.train_step(mnist());
        plain.train_step(mnist());
    }
    REQUIRE(live.change_setting("instance_noise", "0.5").ok);
    REQUIRE(live.change_setting("instance_noise_steps", "2").ok);
    REQUIRE(live.recipe().timeline.size() == 2);
    CHECK(live.recipe().timeline[0].step == 3);
    CHECK(live.recipe().timeline[0].key == "instance_noise");
    CHECK(live.recipe().timeline[0].value == "0.5");
    for (int i = 0; i < 4; ++i) {
        live.train_step(mnist());
        plain.train_step(mnist());
    }
    // The noise changed training, yet z and batches were the same draws: the Gan's streams agree.
    CHECK(live.generator().params != plain.generator().params);
    CHECK(checkpoint_serialize(live) != checkpoint_serialize(plain));
    const TrainerState a = live.trainer_state(), b = plain.trainer_state();
    CHECK(a.noise.state == b.noise.state);
    CHECK(a.data.state == b.data.state);
    CHECK(a.sampler.order == b.sampler.order);
    // The recipe replays it; parts give the bits of whole steps with noise on.
    Gan replay(live.recipe());
    StepStats done;
    for (int i = 0; i < 7; ++i) {
        if (i % 2 == 0) replay.train_step(mnist());
        else
            while (!replay.train_part(mnist(), &done)) {
            }
    }
    CHECK(checkpoint_serialize(replay) == checkpoint_serialize(live));
    // Annealed away after its 2 steps: steps 5.. are noise-free (sigma 0, nothing drawn).
    CHECK(instance_noise_sigma(live.recipe(), live.config(), 5) == 0.0f);
}

TEST_CASE("The EMA of G: updated after every G step, what samples come from, switched live", "[ema]") {
    Gan gan(with({"ema_decay=0.9"}), 2);
    REQUIRE(gan.generator_ema() != nullptr);
    CHECK(gan.generator_ema()->params == gan.generator().params);  // starts as G
    Sequential expected = *gan.generator_ema();
    for (int i = 0; i < 3; ++i) {
        gan.train_step(mnist());
        ema_update(expected, gan.generator(), ema_decay_at(0.9f, i));
    }
    CHECK(gan.ema_updates() == 3);
    CHECK(gan.generator_ema()->params == expected.params);
    CHECK(gan.generator_ema()->buffers == gan.generator().buffers);  // running statistics: G's
    CHECK(gan.generator_ema()->params != gan.generator().params);
    CHECK(&gan.sample_generator() == gan.generator_ema());
    // Exported generators and link hashes are the EMA's.
    GeneratorModel model;
    const std::vector<uint8_t> file = generator_file_serialize(gan, 0);
    REQUIRE(generator_model_load(file.data(), file.size(), &model).ok);
    CHECK(model.generator.params == gan.generator_ema()->params);
    CHECK(model.weight_hash == generator_weight_hash(gan.sample_generator()));
    CHECK(model.weight_hash != generator_weight_hash(gan.generator()));
    const std::vector<uint8_t> ckpt = checkpoint_serialize(gan);
    REQUIRE(generator_model_load(ckpt.data(), ckpt.size(), &model).ok);  // a checkpoint as a generator
    CHECK(model.generator.params == gan.generator_ema()->params);
    // Off live: samples come from G again; on again: a fresh copy of G, warm-up from 0.
    REQUIRE(gan.change_setting("ema_decay", "0").ok);
    CHECK(gan.generator_ema() == nullptr);
    CHECK(&gan.sample_generator() == &gan.generator());
    gan.train_step(mnist());
    REQUIRE(gan.change_setting("ema_decay", "0.99").ok);
    REQUIRE(gan.generator_ema() != nullptr);
    CHECK(gan.generator_ema()->params == gan.generator().params);
    CHECK(gan.ema_updates() == 0);
    CHECK(gan.recipe().timeline.size() == 2);
    // The seed has none: sampling is from G and nothing is copied.
    Gan seed(seed_config(), 2);
    CHECK(seed.generator_ema() == nullptr);
    CHECK(&seed.sample_generator() == &seed.generator());
}

TEST_CASE("Checkpoints store the EMA (generator_ema.*) and resume bit for bit, with noise and EMA switched on live",
          "[ema][noise][checkpoint]") {
    Gan a(with({"ema_decay=0.95"}), 4);
    std::unique_ptr<Gan> resumed;
    for (int i = 0; i < 10; ++i) {
        if (i == 2) REQUIRE(a.change_setting("instance_noise", "0.2").ok);
        a.train_step(mnist());
        if (i == 5) {
            const std::vector<uint8_t> at6 = checkpoint_serialize(a);
            SafetensorsFile parsed;
            REQUIRE(safetensors_parse(at6.data(), at6.size(), &parsed).ok);
            bool has_ema = false, has_updates = false;
            for (const SafetensorsTensor& t : parsed.tensors) {
                has_ema = has_ema || t.name == "generator_ema.model.0.weight";
                has_updates = has_updates || t.name == "trainer.ema_updates";
            }
            CHECK(has_ema);
            CHECK(has_updates);
            REQUIRE(checkpoint_load_new(at6.data(), at6.size(), &resumed).ok);
            CHECK(resumed->ema_updates() == 6);
            CHECK(resumed->generator_ema()->params == a.generator_ema()->params);
            CHECK(checkpoint_serialize(*resumed) == at6);
        } else if (i > 5) {
            resumed->train_step(mnist());
        }
    }
    CHECK(checkpoint_serialize(*resumed) == checkpoint_serialize(a));
    // A run without the EMA writes no EMA tensors and loads with none.
    Gan plain(seed_config(), 4);
    const std::vector<uint8_t> bytes = checkpoint_serialize(plain);
    CHECK(std::string(bytes.begin(), bytes.end()).find("generator_ema") == std::string::npos);
    REQUIRE(checkpoint_load_new(bytes.data(), bytes.size(), &resumed).ok);
    CHECK(resumed->generator_ema() == nullptr);
}
