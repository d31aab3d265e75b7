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

#if GANVAS_HAVE_ZLIB
#include <zlib.h>
namespace {
std::vector<uint8_t> gzip_bytes(const std::vector<uint8_t>& plain) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::vector<uint8_t> out(deflateBound(&z, uLong(plain.size())) + 32);
    z.next_in = const_cast<Bytef*>(plain.data());
    z.avail_in = uInt(plain.size());
    z.next_out = out.data();
    z.avail_out = uInt(out.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}
}  // namespace

TEST_CASE("Gzip IDX files parse like plain ones; truncated or 32x32 ones are refused", "[dataset]") {
    const auto plain = idx_images(3, 28, 28, 3 * 784);
    const auto gz = gzip_bytes(plain);
    REQUIRE(idx_is_gzip(gz.data(), gz.size()));
    Dataset a, b;
    REQUIRE(idx_parse_images(plain.data(), plain.size(), &a).ok);
    REQUIRE(idx_parse_images(gz.data(), gz.size(), &b).ok);
    CHECK(a.pixels == b.pixels);

    const Dataset kept = b;
    const std::vector<uint8_t> truncated(gz.begin(), gz.begin() + gz.size() / 2);
    Status s = idx_parse_images(truncated.data(), truncated.size(), &b);
    CHECK_FALSE(s.ok);
    CHECK(s.message.find("truncated") != std::string::npos);
    CHECK(b.pixels == kept.pixels);

    const auto big = gzip_bytes(idx_images(2, 32, 32, 2 * 1024));
    s = idx_parse_images(big.data(), big.size(), &b);
    CHECK_FALSE(s.ok);
    CHECK(s.message.find("28x28") != std::string::npos);

    const std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', '!', '!', '!', '!'};
    s = idx_parse_images(text.data(), text.size(), &b);
    CHECK_FALSE(s.ok);
    CHECK(s.message.find("not an IDX") != std::string::npos);
    CHECK(b.count == 3);

    // Labels: gzip accepted, a count mismatch and a class above 9 refused.
    const std::vector<uint8_t> labels = {0, 0, 8, 1, 0, 0, 0, 3, 4, 9, 0};
    const auto labels_gz = gzip_bytes(labels);
    REQUIRE(idx_parse_labels(labels_gz.data(), labels_gz.size(), &b).ok);
    CHECK(b.labels[1] == 9);
    const std::vector<uint8_t> two = {0, 0, 8, 1, 0, 0, 0, 2, 4, 9};
    CHECK_FALSE(idx_parse_labels(two.data(), two.size(), &b).ok);
    const std::vector<uint8_t> ten = {0, 0, 8, 1, 0, 0, 0, 3, 4, 10, 0};
    s = idx_parse_labels(ten.data(), ten.size(), &b);
    CHECK_FALSE(s.ok);
    CHECK(s.message.find("0-9") != std::string::npos);

    // A bomb: far more zeros than 60,000 images need.
    const auto bomb = gzip_bytes(std::vector<uint8_t>(kIdxMaxDecompressed + 100, 0));
    s = idx_parse_images(bomb.data(), bomb.size(), &b);
    CHECK_FALSE(s.ok);
    CHECK(s.message.find("more than") != std::string::npos);
    CHECK(b.count == 3);
}
#endif
