// test_dataset.cpp - IDX parsing (good and hostile bytes) and epoch batches.
#include <catch2/catch.hpp>

#include <set>

#include "io/dataset.h"
#include "test_support.h"

using namespace ganvas;

namespace {
std::vector<uint8_t> idx_images(uint32_t count, uint32_t rows, uint32_t cols, size_t payload) {
    std::vector<uint8_t> b = {0, 0, 8, 3};
    for (uint32_t v : {count, rows, cols})
        for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(v >> s));
    for (size_t i = 0; i < payload; ++i) b.push_back(uint8_t(i * 7));
    return b;
}
}  // namespace

TEST_CASE("IDX images parse, and bad bytes are refused with a reason", "[dataset]") {
    Dataset d;
    const auto good = idx_images(3, 28, 28, 3 * 784);
    REQUIRE(idx_parse_images(good.data(), good.size(), &d).ok);
    CHECK(d.count == 3);
    CHECK(d.pixels[5] == uint8_t(5 * 7));

    Dataset untouched = d;
    auto refuse = [&](const std::vector<uint8_t>& bytes, const char* needle) {
        const Status s = idx_parse_images(bytes.data(), bytes.size(), &d);
        CHECK_FALSE(s.ok);
        CHECK_THAT(s.message, Catch::Contains(needle));
        CHECK(d.count == untouched.count);
        CHECK(d.pixels == untouched.pixels);
    };
    refuse({1, 2, 3}, "shorter");
    refuse(idx_images(3, 28, 28, 3 * 784 - 1), "truncated");
    refuse(idx_images(3, 28, 28, 3 * 784 + 1), "truncated");
    refuse(idx_images(3, 32, 32, 3 * 1024), "28x28");
    refuse(idx_images(0xffffffffu, 28, 28, 10), "truncated");  // absurd count, no overflow
    auto labels_as_images = good;
    labels_as_images[3] = 1;
    refuse(labels_as_images, "magic");
}

TEST_CASE("IDX labels must match the image count", "[dataset]") {
    Dataset d;
    const auto images = idx_images(2, 28, 28, 2 * 784);
    REQUIRE(idx_parse_images(images.data(), images.size(), &d).ok);
    const std::vector<uint8_t> labels = {0, 0, 8, 1, 0, 0, 0, 2, 4, 9};
    REQUIRE(idx_parse_labels(labels.data(), labels.size(), &d).ok);
    CHECK(d.labels[1] == 9);
    const std::vector<uint8_t> three = {0, 0, 8, 1, 0, 0, 0, 3, 4, 9, 1};
    CHECK_FALSE(idx_parse_labels(three.data(), three.size(), &d).ok);
}

TEST_CASE("The generated MNIST asset is 10,000 real digits", "[dataset]") {
    Dataset d;
    const Status s = dataset_load_idx(ganvas_test::mnist_images_path(), ganvas_test::mnist_labels_path(), &d);
    INFO(s.message);
    REQUIRE(s.ok);
    CHECK(d.count == 10000);
    double mean = 0;
    for (uint8_t p : d.pixels) mean += p;
    mean /= double(d.pixels.size());
    CHECK(mean == Approx(33.3).margin(3.0));  // MNIST's mean pixel is ~33/255
    std::set<int> classes(d.labels.begin(), d.labels.end());
    CHECK(classes.size() == 10);
}

TEST_CASE("Batches cover every image once per epoch, in a new order each epoch", "[dataset]") {
    Dataset d;
    const auto bytes = idx_images(10, 28, 28, 10 * 784);
    REQUIRE(idx_parse_images(bytes.data(), bytes.size(), &d).ok);
    for (int i = 0; i < 10; ++i) d.pixels[size_t(i) * 784] = uint8_t(i * 20);  // tag each image
    BatchSampler sampler(10, 5);
    Rng rng(1, 2);
    Matrix batch(5, 784);
    std::vector<int> first_epoch;
    for (int epoch = 0; epoch < 2; ++epoch) {
        std::multiset<int> seen;
        std::vector<int> order;
        for (int b = 0; b < 2; ++b) {
            sampler.next(d, rng, view_of(batch));
            for (int r = 0; r < 5; ++r) {
                const int tag = int(std::lround((batch(r, 0) + 1.0f) * 127.5f)) / 20;
                seen.insert(tag);
                order.push_back(tag);
            }
        }
        CHECK(seen.size() == 10);
        CHECK(std::set<int>(seen.begin(), seen.end()).size() == 10);
        CHECK(sampler.epoch() == epoch);
        if (epoch == 0) first_epoch = order;
        else CHECK(order != first_epoch);
    }
    CHECK(batch.minCoeff() >= -1.0f);
    CHECK(batch.maxCoeff() <= 1.0f);
}
