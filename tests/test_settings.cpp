// test_settings.cpp - the settings table (gan/settings.h) and recipes (gan/recipe.h): every
// value round-trips bit for bit through JSON and through `--set` text, bad input is refused with
// the key named, and a recipe's timeline replays.
//
// Random values are drawn from the table itself (its types and ranges), so a new setting is
// covered without touching this file.
#include <catch2/catch.hpp>

#include <cstring>

#include "base/rng.h"
#include "gan/networks.h"
#include "gan/recipe.h"
#include "gan/settings.h"
#include "random_settings.h"

using namespace ganvas;
using namespace ganvas_test;


// [SECTION] The table

TEST_CASE("The table: one entry per setting, each with its accessor, help and range", "[settings]") {
    std::vector<std::string> keys;
    for (const Setting& s : settings_list()) {
        INFO(s.key);
        for (const std::string& k : keys) CHECK(k != s.key);
        keys.push_back(s.key);
        CHECK(settings_find(s.key) == &s);
        const int accessors = (s.int_member != nullptr) + (s.float_member != nullptr) + (s.list_member != nullptr) +
                              (s.choice_member != nullptr) + (s.bool_member != nullptr);
        CHECK(accessors == 1);
        CHECK((s.type != SettingType::Int || s.int_member));
        CHECK((s.type != SettingType::Float || s.float_member));
        CHECK((s.type != SettingType::IntList || s.list_member));
        CHECK((s.type != SettingType::Choice || (s.choice_member && s.choices)));
        CHECK((s.type != SettingType::Bool || s.bool_member));
        CHECK_FALSE(s.help.empty());
        CHECK_FALSE(s.reason.empty());
        CHECK_FALSE(setting_range_text(s).empty());
        CHECK(settings_check(GanConfig{}, s).ok);  // the default (the seed's) is in range
    }
    CHECK(settings_find("adam_g.lr")->scope == SettingScope::Live);
    CHECK(settings_find("latent_dim")->scope == SettingScope::Reset);
    CHECK(settings_find("no_such") == nullptr);
    CHECK(setting_range_text(*settings_find("adam_d.lr")) == "(0, 1]");
    CHECK(setting_range_text(*settings_find("g_hidden")) == "1..8 items of 1..4096");
}

TEST_CASE("The seed's config as JSON: table order, nested Adam, shortest floats", "[settings]") {
    CHECK(gan_config_to_json(GanConfig{}) ==
          "{\"latent_dim\":100,\"g_hidden\":[128,256,512],\"d_hidden\":[512,256],\"image_pixels\":784,\"leaky_slope\":0.2,"
          "\"batch_size\":64,\"adam_g\":{\"lr\":0.0002,\"beta1\":0.5,\"beta2\":0.999,\"eps\":1e-08},"
          "\"adam_d\":{\"lr\":0.0002,\"beta1\":0.5,\"beta2\":0.999,\"eps\":1e-08},\"d_steps\":1,\"objective\":\"bce\"}");
    // What checkpoints stored before the table (9 significant digits) reads to the same bits.
    GanConfig old;
    REQUIRE(gan_config_from_json("{\"latent_dim\":100,\"g_hidden\":[128,256,512],\"d_hidden\":[512,256],\"image_pixels\":784,"
                                 "\"leaky_slope\":0.200000003,\"batch_size\":64,\"adam_g\":{\"lr\":0.000199999995,\"beta1\":0.5,"
                                 "\"beta2\":0.999000013,\"eps\":9.99999994e-09},\"adam_d\":{\"lr\":0.000199999995,\"beta1\":0.5,"
                                 "\"beta2\":0.999000013,\"eps\":9.99999994e-09}}", &old).ok);
    std::string differing;
    CHECK(same_bits(old, GanConfig{}, &differing));
    INFO(differing);
}

// [SECTION] Round trips

TEST_CASE("Every value round-trips bit for bit: config -> JSON -> config and config -> --set -> config", "[settings]") {
    Rng rng(2026, 8);
    const int kConfigs = 4000;  // each draws every setting: thousands of values per field
    for (int i = 0; i < kConfigs; ++i) {
        const GanConfig c = random_config(rng);
        REQUIRE(gan_config_validate(c).ok);
        GanConfig from_json;
        const Status read = gan_config_from_json(gan_config_to_json(c), &from_json);
        INFO("config " << i << ": " << gan_config_to_json(c) << " -> " << read.message);
        REQUIRE(read.ok);
        std::string differing;
        INFO("JSON: " << differing);
        REQUIRE(same_bits(c, from_json, &differing));

        GanConfig from_text;
        for (const Setting& s : settings_list()) {
            const std::string assignment = s.key + "=" + settings_get_text(c, s);
            const Status set = settings_set_assignment(&from_text, assignment);
            INFO(assignment << " -> " << set.message);
            REQUIRE(set.ok);
        }
        INFO("--set: " << differing);
        REQUIRE(same_bits(c, from_text, &differing));
    }
}

TEST_CASE("--set text: bare lists and names, JSON forms, and the refusals name the key", "[settings]") {
    GanConfig c;
    REQUIRE(settings_set_text(&c, "g_hidden", "64,32").ok);
    CHECK(c.g_hidden == std::vector<int>{64, 32});
    REQUIRE(settings_set_text(&c, "d_hidden", "[16]").ok);
    CHECK(c.d_hidden == std::vector<int>{16});
    REQUIRE(settings_set_text(&c, "objective", "bce").ok);
    REQUIRE(settings_set_text(&c, "objective", "\"bce\"").ok);
    REQUIRE(settings_set_text(&c, "adam_d.lr", "1").ok);  // an integer is a float too
    CHECK(c.adam_d.lr == 1.0f);
    REQUIRE(settings_set_assignment(&c, "adam_g.beta1=0.9").ok);
    CHECK(c.adam_g.beta1 == 0.9f);

    const GanConfig before = c;
    const auto refused = [&](const std::string& assignment, const std::string& needle) {
        const Status s = settings_set_assignment(&c, assignment);
        INFO(assignment << " -> " << s.message);
        CHECK_FALSE(s.ok);
        CHECK_THAT(s.message, Catch::Contains(needle));
        std::string differing;
        CHECK(same_bits(c, before, &differing));  // unchanged
    };
    refused("latent_dims=8", "unknown setting 'latent_dims' (known: arch, latent_dim, g_hidden");
    refused("latent_dim", "is not key=value");
    refused("latent_dim=7x", "'latent_dim' = '7x' is not int (allowed: 1..1024)");
    refused("latent_dim=100.0", "'latent_dim' must be an integer, not a number with a fraction");
    refused("latent_dim=0", "'latent_dim' = 0: latent size must be 1..1024");
    refused("latent_dim=99999999999999999999999", "'latent_dim' must be an integer");
    refused("batch_size=1", "batch size must be 2..1024 (BatchNorm needs at least 2 samples)");
    refused("g_hidden=128,x", "'g_hidden' = '128,x' is not int list");
    refused("g_hidden=", "'g_hidden' = []: the generator needs 1..8 hidden layers");
    refused("d_hidden=1,2,3,4,5,6,7,8,9", "the discriminator needs 1..8 hidden layers");
    refused("d_hidden=8,0", "widths 1..4096");
    refused("adam_g.lr=0", "'adam_g.lr' = 0.0: Adam's learning rate must be in (0, 1]");
    refused("adam_g.lr=nan", "is not float");
    refused("adam_g.lr=1e39", "'adam_g.lr' = '1e39' is not float");  // overflows a float: nlohmann refuses it
    refused("adam_g.beta2=1", "Adam's betas must be in [0, 1)");
    refused("adam_d.eps=-1e-8", "Adam's eps must be positive and finite");
    refused("leaky_slope=\"0.2\"", "'leaky_slope' must be a number, not a string");
    refused("objective=wgan", "'objective' = \"wgan\": not one of bce, minimax, lsgan, hinge, wgan-gp");
    refused("d_steps=0", "D steps per G step must be 1..16");
}

// [SECTION] JSON refusals and validation

TEST_CASE("Config JSON is strict: unknown keys, wrong types, ranges, duplicates, syntax", "[settings]") {
    GanConfig c;
    const auto refused = [&](const std::string& json, const std::string& needle) {
        const Status s = gan_config_apply_json(json, &c);
        INFO(json << " -> " << s.message);
        CHECK_FALSE(s.ok);
        CHECK_THAT(s.message, Catch::Contains(needle));
        CHECK(gan_config_to_json(c) == gan_config_to_json(GanConfig{}));
    };
    refused("{\"latent_dims\":8}", "unknown key 'latent_dims' (known: arch, latent_dim, g_hidden, d_hidden, image_pixels");
    refused("{\"adam_g\":{\"momentum\":0.9}}", "unknown key 'adam_g.momentum' (known in adam_g: lr, beta1, beta2, eps)");
    refused("{\"adam_g\":0.9}", "'adam_g' must be an object {lr, beta1, beta2, eps}, not a number");
    refused("{\"adam_d\":{\"lr\":2}}", "'adam_d.lr' = 2.0: Adam's learning rate must be in (0, 1]");
    refused("{\"g_hidden\":[128,\"x\"]}", "'g_hidden' must hold integers, not a string");
    refused("{\"image_pixels\":1024}", "images must be 28x28 (784 pixels)");
    refused("{\"batch_size\":8,\"batch_size\":16}", "duplicate key 'batch_size'");
    refused("{\"latent_dim\":8,", "config is not valid JSON: ");
    refused("[1,2]", "config must be a JSON object");
    refused("{\"a\":" + std::string(40, '[') + std::string(40, ']') + "}", "nested deeper than 16");
    // Absent keys keep what *config holds (gan_config_apply_json) or the seed's (from_json).
    GanConfig small;
    small.latent_dim = 8;
    REQUIRE(gan_config_apply_json("{\"batch_size\":16,\"adam_g\":{\"lr\":0.001}}", &small).ok);
    CHECK(small.latent_dim == 8);
    CHECK(small.batch_size == 16);
    CHECK(small.adam_g.lr == 0.001f);
    CHECK(small.adam_g.beta1 == 0.5f);
    REQUIRE(gan_config_from_json("{\"batch_size\":16}", &small).ok);
    CHECK(small.latent_dim == 100);
}

TEST_CASE("gan_config_validate goes through the table and names the key", "[settings]") {
    GanConfig c;
    c.g_hidden.clear();
    CHECK_THAT(gan_config_validate(c).message, Catch::Contains("'g_hidden' = []: the generator needs 1..8 hidden layers"));
    c = GanConfig{};
    c.adam_d.beta1 = std::nanf("");
    CHECK_THAT(gan_config_validate(c).message, Catch::Contains("'adam_d.beta1' = nan: Adam's betas must be in [0, 1)"));
    c = GanConfig{};
    c.objective = "hinged";
    CHECK_THAT(gan_config_validate(c).message,
               Catch::Contains("'objective' = \"hinged\": not one of bce, minimax, lsgan, hinge, wgan-gp"));
}

// [SECTION] Recipes

TEST_CASE("A recipe replays its timeline and round-trips through JSON", "[settings][recipe]") {
    Recipe r = recipe_of(GanConfig{}, 7);
    REQUIRE(recipe_add_change(&r, 100, "adam_g.lr", "1e-4").ok);
    REQUIRE(recipe_add_change(&r, 100, "adam_d.lr", "0.0003").ok);
    REQUIRE(recipe_add_change(&r, 250, "adam_g.lr", "5e-5").ok);
    CHECK(r.timeline[0].value == "0.0001");  // stored in the table's encoding
    CHECK(recipe_config_at(r, 0).adam_g.lr == 2e-4f);
    CHECK(recipe_config_at(r, 99).adam_g.lr == 2e-4f);
    CHECK(recipe_config_at(r, 100).adam_g.lr == 1e-4f);
    CHECK(recipe_config_at(r, 100).adam_d.lr == 3e-4f);
    CHECK(recipe_config_at(r, 1000).adam_g.lr == 5e-5f);
    CHECK(recipe_to_json(r) ==
          "{\"config\":" + gan_config_to_json(GanConfig{}) + ",\"seed\":7,\"timeline\":[{\"step\":100,\"key\":\"adam_g.lr\","
          "\"value\":0.0001},{\"step\":100,\"key\":\"adam_d.lr\",\"value\":0.0003},{\"step\":250,\"key\":\"adam_g.lr\",\"value\":5e-05}]}");

    // Random recipes: random configs, random live changes at rising steps.
    Rng rng(8, 1);
    std::vector<const Setting*> live;
    for (const Setting& s : settings_list())
        if (s.scope == SettingScope::Live) live.push_back(&s);
    for (int i = 0; i < 300; ++i) {
        Recipe random = recipe_of(random_config(rng), uint64_t(rng.next_u32()) << 32 | rng.next_u32());
        int64_t step = 0;
        for (int k = 0; k < 8; ++k) {
            step += int64_t(rng.below(1000));
            const Setting& s = *live[rng.below(uint32_t(live.size()))];
            GanConfig value;
            randomise(s, rng, &value);
            REQUIRE(recipe_add_change(&random, step, s.key, settings_get_text(value, s)).ok);
        }
        if (i % 2 == 1) random.data_hash = uint64_t(rng.next_u32()) << 32 | (rng.next_u32() | 1);  // named images
        Recipe back;
        const std::string json = recipe_to_json(random);
        REQUIRE(recipe_from_json(json, &back).ok);
        CHECK(recipe_to_json(back) == json);
        CHECK(back.seed == random.seed);
        CHECK(back.data_hash == random.data_hash);
        std::string differing;
        for (int64_t at : {int64_t(0), step / 2, step})
            CHECK(same_bits(recipe_config_at(back, at), recipe_config_at(random, at), &differing));
    }
}

TEST_CASE("Recipes refuse reset-only changes, steps going back and malformed JSON", "[settings][recipe]") {
    Recipe r = recipe_of(GanConfig{}, 1);
    REQUIRE(recipe_add_change(&r, 10, "d_steps", "2").ok);
    CHECK_THAT(recipe_add_change(&r, 20, "batch_size", "32").message, Catch::Contains("'batch_size' is reset-only"));
    CHECK_THAT(recipe_add_change(&r, 5, "d_steps", "3").message, Catch::Contains("the timeline's steps never go back"));
    CHECK_THAT(recipe_add_change(&r, 20, "d_steps", "99").message, Catch::Contains("D steps per G step must be 1..16"));
    CHECK_THAT(recipe_add_change(&r, 20, "no_such", "1").message, Catch::Contains("unknown setting 'no_such'"));
    CHECK(r.timeline.size() == 1);

    const auto refused = [](const std::string& json, const std::string& needle) {
        Recipe out;
        const Status s = recipe_from_json(json, &out);
        INFO(json << " -> " << s.message);
        CHECK_FALSE(s.ok);
        CHECK_THAT(s.message, Catch::Contains(needle));
    };
    refused("{\"config\":{}}", "recipe: needs \"config\" and \"seed\"");
    refused("{\"config\":{},\"seed\":-1}", "\"seed\" must be a non-negative integer");
    refused("{\"config\":{},\"seed\":1,\"notes\":\"\"}", "unknown key 'notes' (known: config, seed, timeline, data)");
    refused("{\"config\":{},\"seed\":1,\"data\":\"xyz\"}", "\"data\" must be the images' content hash, 16 hex digits");
    refused("{\"config\":{},\"seed\":1,\"data\":\"0000000000000000\"}", "\"data\" must be the images' content hash");
    refused("{\"config\":{\"latent_dim\":0},\"seed\":1}", "recipe: config: 'latent_dim' = 0");
    refused("{\"config\":{},\"seed\":1,\"timeline\":{}}", "\"timeline\" must be an array");
    refused("{\"config\":{},\"seed\":1,\"timeline\":[{\"step\":1,\"key\":\"d_steps\"}]}", "timeline[0]: has no \"value\"");
    refused("{\"config\":{},\"seed\":1,\"timeline\":[{\"step\":-1,\"key\":\"d_steps\",\"value\":2}]}",
            "timeline[0]: \"step\" must be a non-negative integer");
    refused("{\"config\":{},\"seed\":1,\"timeline\":[{\"step\":9,\"key\":\"d_steps\",\"value\":2},"
            "{\"step\":3,\"key\":\"d_steps\",\"value\":3}]}", "timeline[1]: a change at step 3 after one at step 9");
    refused("{\"config\":{},\"seed\":1,\"timeline\":[{\"step\":1,\"key\":\"adam_g.lr\",\"value\":\"fast\"}]}",
            "timeline[0]: 'adam_g.lr' must be a number, not a string");
}

TEST_CASE("Invalid UTF-8 in a value or a key is refused with a message, never an abort", "[settings]") {
    // Found by tests/fuzz/fuzz_config: nlohmann's dump() throws on invalid UTF-8, an abort
    // under JSON_NOEXCEPTION, when a message quoted the value.
    GanConfig c;
    const Status s = settings_set_assignment(&c, "objective=bw\x8b" "ce");
    CHECK_FALSE(s.ok);
    CHECK(s.message.find("objective") != std::string::npos);
    CHECK(s.message.find("\xEF\xBF\xBD") != std::string::npos);  // the bad byte shown as U+FFFD
    Recipe r;
    const Status bad_key = recipe_from_json(
        "{\"config\":{},\"seed\":1,\"timeline\":[{\"step\":1,\"key\":\"adam\xff\",\"value\":1}]}", &r);
    CHECK_FALSE(bad_key.ok);
    const Status bad_seed = recipe_from_json("{\"config\":{},\"seed\":\"\xc3\x28\",\"timeline\":[]}", &r);
    CHECK_FALSE(bad_seed.ok);
    CHECK(bad_seed.message.find("UTF-8") != std::string::npos);  // JSON text: the parser refuses it
}

TEST_CASE("arch dcgan: its widths are channel counts, checked with the key and the reason", "[settings][dcgan]") {
    GanConfig c;
    REQUIRE(gan_config_preset("dcgan", &c));
    REQUIRE(gan_config_validate(c).ok);
    const auto refused = [](GanConfig bad, const char* needle) {
        const Status s = gan_config_validate(bad);
        INFO(gan_config_to_json(bad) << " -> " << s.message);
        CHECK_FALSE(s.ok);
        CHECK_THAT(s.message, Catch::Contains(needle));
    };
    GanConfig seed_widths;  // the seed's d_hidden {512, 256}: 512 channels is past the bar
    seed_widths.arch = "dcgan";
    seed_widths.g_hidden = {64, 32};
    refused(seed_widths, "'d_hidden': arch dcgan takes 1..256 channels per layer, not 512");
    GanConfig three = c;
    three.g_hidden = {64, 32, 16};  // 28 is 7 * 2 * 2: no third upsampling
    refused(three, "'g_hidden': arch dcgan takes 1 or 2 channel counts");
    GanConfig sn = c;
    sn.spectral_norm = true;
    refused(sn, "'spectral_norm'");
    GanConfig one = c;  // one width each: G from 14x14 maps, D down to 14x14
    one.g_hidden = {16};
    one.d_hidden = {8};
    REQUIRE(gan_config_validate(one).ok);
    CHECK(Sequential(generator_layers(one)).features_out() == 784);
    CHECK(settings_set_assignment(&c, "arch=resnet").message.find("'arch'") != std::string::npos);
}
