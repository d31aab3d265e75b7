// test_own_data.cpp - training on the user's images (command::LoadData, shell/session.h): the
// Fashion-MNIST test set (Debian's dataset-fashion-mnist) replaces the digits and a fresh model
// trains on it, its recipe naming the images by content hash (Recipe::data_hash, so checkpoints
// carry it); a non-IDX file, 32x32 images, too few images, mismatched labels and a truncated
// gzip are refused with the reason and the data, the run and its checkpoint bytes kept; a
// checkpoint of a run on other images loads with a warning that says so.
// Natively and in wasm (gzip natively only: the wasm core has no zlib, the page unzips).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/hash.h"
#include "driver.h"
#include "io/checkpoint.h"
#include "io/dataset.h"
#include "io/link.h"
#include "io/safetensors.h"
#include "session.h"
#include "session_support.h"

using namespace ganvas;

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
    std::vector<uint8_t> bytes;
    const Status read = file_read_all(path, &bytes);
    INFO(path << ": " << read.message << " (scripts/setup.sh installs dataset-fashion-mnist)");
    REQUIRE(read.ok);
    return bytes;
}

// An IDX image file header and `count` images of rows x cols zero pixels.
std::vector<uint8_t> idx_images(uint32_t count, uint32_t rows, uint32_t cols) {
    std::vector<uint8_t> b = {0, 0, 8, 3};
    for (uint32_t v : {count, rows, cols})
        for (int shift = 24; shift >= 0; shift -= 8) b.push_back(uint8_t(v >> shift));
    b.resize(b.size() + size_t(count) * rows * cols, 7);
    return b;
}

std::string recipe_data_of(const std::vector<uint8_t>& checkpoint) {
    SafetensorsFile file;
    REQUIRE(safetensors_parse(checkpoint.data(), checkpoint.size(), &file).ok);
    Recipe recipe;
    int64_t step = 0;
    REQUIRE(checkpoint_read_metadata(file, "ganvas-checkpoint", &recipe, &step).ok);
    return recipe.data_hash == 0 ? "" : hash_hex(recipe.data_hash);
}

std::string saved(Driver& driver, const Session& session) {
    REQUIRE(driver.run(command::SaveCheckpoint{}));
    const std::vector<uint8_t>& bytes = session.saved_checkpoint();
    return content_hash_hex(bytes.data(), bytes.size());
}

}  // namespace

TEST_CASE("Own images: Fashion-MNIST replaces the digits, named in the recipe; bad files are refused and keep the run",
          "[session][data]") {
    Session session(ganvas_test::session_test_config());
    Driver driver(session);
    REQUIRE(session.ready());
    const uint64_t digits_hash = session.data_hash();
    CHECK(session.status().data_name == "the built-in digits");
    CHECK(session.status().data_count == 10000);
    // A fresh model names the images it trains on.
    REQUIRE(driver.run(command::Step{2}));
    REQUIRE(driver.run(command::SaveCheckpoint{}));
    CHECK(recipe_data_of(session.saved_checkpoint()) == hash_hex(digits_hash));

    // Refusals: each says why, in the status line too, and keeps data, step and checkpoint bytes.
    const std::string before = saved(driver, session);
    const std::vector<uint8_t> digits_run = session.saved_checkpoint();
    const uint64_t version = session.data_version();
    const auto refused = [&](command::LoadData load, const std::string& needle) {
        const Status s = driver.run(std::move(load));
        INFO(s.message);
        CHECK_FALSE(s.ok);
        CHECK_THAT(s.message, Catch::Contains(needle));
        CHECK_THAT(s.message, Catch::Contains("The current data and run are kept."));
        CHECK(session.status().message == s.message);
        CHECK(session.status().message_is_error);
        CHECK(session.data_hash() == digits_hash);
        CHECK(session.data_version() == version);
        CHECK(session.step() == 2);
        CHECK(saved(driver, session) == before);
    };
    refused({{'n', 'o', 't', ' ', 'I', 'D', 'X', '!', 0, 0, 0, 0, 0, 0, 0, 0}, {}, "notes.txt"}, "Cannot train on notes.txt: ");
    refused({idx_images(100, 32, 32), {}, "cifar"}, "images are 32x32; Ganvas needs 28x28 images");
    refused({idx_images(10, 28, 28), {}, "ten"}, "only 10 images; training needs at least one batch of 64.");
    refused({idx_images(100, 28, 28), {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3}, "mismatched"}, "labels: ");
#if GANVAS_HAVE_ZLIB
    const std::vector<uint8_t> gz = read_file(GANVAS_TEST_FASHION_DIR "/t10k-images-idx3-ubyte.gz");
    refused({std::vector<uint8_t>(gz.begin(), gz.begin() + gz.size() / 2), {}, "half.gz"}, "Cannot train on half.gz: ");

    // Fashion-MNIST, gzip as Debian ships it, with its labels: a fresh model at step 0 trains on it.
    command::LoadData fashion{gz, read_file(GANVAS_TEST_FASHION_DIR "/t10k-labels-idx1-ubyte.gz"),
                              "t10k-images-idx3-ubyte.gz"};
    Dataset expected;
    REQUIRE(dataset_load_idx(GANVAS_TEST_FASHION_DIR "/t10k-images-idx3-ubyte.gz", "", &expected).ok);
    const Status loaded = driver.run(fashion);
    INFO(loaded.message);
    REQUIRE(loaded.ok);
    const SessionStatus s = session.status();
    CHECK(s.data_name == "t10k-images-idx3-ubyte.gz");
    CHECK(s.data_count == 10000);
    CHECK(s.data_labels);
    CHECK(s.data_hash == dataset_content_hash(expected));
    CHECK(s.data_hash != digits_hash);
    CHECK(s.step == 0);
    CHECK_FALSE(s.message_is_error);
    CHECK_THAT(s.message, Catch::StartsWith("Training on t10k-images-idx3-ubyte.gz: 10000 images of 28x28 with labels"));
    CHECK(session.data_version() == version + 1);
    CHECK(session.data().pixels == expected.pixels);
    REQUIRE(driver.run(command::Step{3}));
    REQUIRE(driver.run(command::SaveCheckpoint{}));
    const std::vector<uint8_t> fashion_run = session.saved_checkpoint();
    CHECK(recipe_data_of(fashion_run) == hash_hex(s.data_hash));

    // Its recipe replayed on the same images gives the same bytes (as `ganvas train --recipe` does).
    {
        SafetensorsFile file;
        REQUIRE(safetensors_parse(fashion_run.data(), fashion_run.size(), &file).ok);
        Recipe recipe;
        int64_t step = 0;
        REQUIRE(checkpoint_read_metadata(file, "ganvas-checkpoint", &recipe, &step).ok);
        Gan replay(recipe);
        for (int i = 0; i < 3; ++i) replay.train_step(expected);
        CHECK(checkpoint_serialize(replay) == fashion_run);
    }

    // A checkpoint of the digits' run loads (the model is the user's) but says it is of other images.
    const Status other = driver.run(command::LoadCheckpoint{digits_run});
    CHECK(other.ok);
    CHECK(session.step() == 2);
    CHECK(session.status().message_is_error);
    CHECK_THAT(session.status().message,
               Catch::Contains("but it was trained on other images (content hash " + hash_hex(digits_hash)));
#endif
}
