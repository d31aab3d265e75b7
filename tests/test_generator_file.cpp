// test_generator_file.cpp - generator files (io/generator_file.h) and the shipped generator.
//
// The shipped generator is made at build time by this tree's own CLI (assets/CMakeLists.txt:
// `ganvas train --preset seed --seed 1 --steps 3120` then `ganvas export-generator`). Its hashes
// are pinned here and the same pins are checked in the native and the wasm tree, so both trees
// reproduce it bit for bit from the documented command.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/file_io.h"
#include "base/hash.h"
#include "gan/gan.h"
#include "gan/sampler.h"
#include "gan/streams.h"
#include "io/checkpoint.h"
#include "io/generator_file.h"
#include "io/link.h"
#include "test_support.h"

using namespace ganvas;

namespace {

[[maybe_unused]] std::vector<uint8_t> read_file(const std::string& path) {
    std::vector<uint8_t> bytes;
    const Status s = file_read_all(path, &bytes);
    if (!s) FAIL("cannot read " << path << ": " << s.message);
    return bytes;
}

// The 64-digit grid of `generator` for grid seed `seed` (the page's Samples window).
Matrix grid_of(const Sequential& generator, uint64_t seed, int latent) {
    Matrix z(64, latent), images(64, 784);
    sample_z_rows(seed, 0, view_of(z));
    SequentialCache cache;
    sample_images(generator, cache, const_view_of(z), view_of(images), BatchNormMode::TrainNoUpdate);
    return images;
}

}  // namespace

#ifdef GANVAS_TEST_SHIPPED_GENERATOR  // every tree but the sanitized one (GANVAS_SHIPPED_ASSETS)
TEST_CASE("The shipped generator is the documented command's output, bit for bit", "[generator_file]") {
    const std::vector<uint8_t> file = read_file(GANVAS_TEST_SHIPPED_GENERATOR);
    GeneratorModel model;
    const Status s = generator_model_load(file.data(), file.size(), &model);
    REQUIRE(s.ok);
    // Pins, the same in both trees: the weights the recipe gives, and the file's bytes (the
    // weights plus the metadata: config, recipe, step, seed, hashes).
    CHECK(hash_hex(model.weight_hash) == "e0617ef0be2fe0bd");
    CHECK(hash_hex(hash64(file.data(), file.size())) == GANVAS_SHIPPED_FILE_HASH);
    CHECK(model.has_recipe);
    CHECK(model.step == 3120);
    CHECK(model.recipe.seed == 1);
    CHECK(model.recipe.timeline.empty());
    GanConfig seed;
    REQUIRE(gan_config_preset("seed", &seed));
    CHECK(gan_config_to_json(model.config) == gan_config_to_json(seed));
    CHECK(model.data_hash == dataset_content_hash(ganvas_test::mnist()));

    // The JSON beside it names the same model, and its grid link opens on it.
    const std::vector<uint8_t> json_bytes = read_file(GANVAS_TEST_SHIPPED_GENERATOR_JSON);
    const nlohmann::json summary = nlohmann::json::parse(json_bytes.begin(), json_bytes.end(), nullptr, false);
    REQUIRE(!summary.is_discarded());
    CHECK(summary.value("weight_hash", "") == "e0617ef0be2fe0bd");
    CHECK(summary.value("steps", 0) == 3120);
    ShareLink link;
    const Status parsed = link_parse(summary.value("link", ""), &link);
    INFO(parsed.message);
    REQUIRE(parsed.ok);
    CHECK(link.grid);
    CHECK(link.steps == 3120);
    CHECK(link.weight_hash == model.weight_hash);
    CHECK(link.data_hash == model.data_hash);
    CHECK(model.recipe.data_hash == model.data_hash);  // the recipe names its images too
    Recipe named = link.recipe;  // a link carries the images' hash beside its recipe
    named.data_hash = link.data_hash;
    CHECK(recipe_to_json(named) == recipe_to_json(model.recipe));
}
#endif

TEST_CASE("A generator file round-trips a run's G: hashes, config, recipe and the grid's pixels", "[generator_file]") {
    Gan gan(ganvas_test::seed_config(), 3);
    for (int i = 0; i < 3; ++i) gan.train_step(ganvas_test::mnist());
    const uint64_t data_hash = dataset_content_hash(ganvas_test::mnist());
    const std::vector<uint8_t> file = generator_file_serialize(gan, data_hash);
    GeneratorModel model;
    REQUIRE(generator_model_load(file.data(), file.size(), &model).ok);
    CHECK(model.weight_hash == generator_weight_hash(gan.sample_generator()));
    CHECK(model.step == 3);
    CHECK(model.has_recipe);
    CHECK(model.data_hash == data_hash);
    CHECK(recipe_to_json(model.recipe) == recipe_to_json(gan.recipe()));
    const Matrix a = grid_of(gan.sample_generator(), 3, 100), b = grid_of(model.generator, 3, 100);
    CHECK(std::memcmp(a.data(), b.data(), sizeof(float) * size_t(a.size())) == 0);

    // A whole checkpoint reads as its generator too.
    const std::vector<uint8_t> checkpoint = checkpoint_serialize(gan);
    GeneratorModel from_checkpoint;
    REQUIRE(generator_model_load(checkpoint.data(), checkpoint.size(), &from_checkpoint).ok);
    CHECK(from_checkpoint.weight_hash == model.weight_hash);
}

TEST_CASE("Corrupt generator files are refused and the model is kept", "[generator_file]") {
    Gan gan(ganvas_test::seed_config(), 4);
    const std::vector<uint8_t> file = generator_file_serialize(gan, 0);
    GeneratorModel model;
    model.step = 77;  // unchanged on every refusal
    auto refused = [&](std::vector<uint8_t> bytes, const char* why) {
        INFO(why);
        const Status s = generator_model_load(bytes.data(), bytes.size(), &model);
        CHECK_FALSE(s.ok);
        CHECK_FALSE(s.message.empty());
        CHECK(model.step == 77);
        return s.message;
    };
    refused({}, "empty");
    refused(std::vector<uint8_t>(file.begin(), file.begin() + long(file.size() / 2)), "truncated");
    refused(std::vector<uint8_t>(file.size(), 0x41), "not safetensors");
    // One weight changed by one bit: the recomputed weight hash no longer matches the metadata.
    REQUIRE(file.size() > 4096);
    std::vector<uint8_t> flipped = file;
    flipped[file.size() / 2] ^= 0x01;  // in the weights: finite still, another value
    const std::string message = refused(flipped, "a flipped weight bit");
    CHECK(message.find("weight") != std::string::npos);
}
