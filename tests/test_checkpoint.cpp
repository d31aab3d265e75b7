// test_checkpoint.cpp - checkpoints: an exact round trip that continues training identically,
// a checkpoint written by PyTorch, and hostile files - each refused with a message a person can
// act on, leaving the current model untouched.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#include "io/checkpoint.h"
#include "gan/gan.h"
#include "reference_support.h"
#include "io/safetensors.h"

using namespace ganvas;
using namespace ganvas_test;

namespace {

// Small enough that a test builds dozens of files in milliseconds; the layer structure (BatchNorm
// after all but the first G width) is the seed's. The same config as pytorch_checkpoint.safetensors.
GanConfig tiny_config() {
    GanConfig c;
    c.latent_dim = 8;
    c.g_hidden = {8, 16, 16};
    c.d_hidden = {8, 4};
    c.batch_size = 8;
    return c;
}

// 40 random 28x28 images: 5 batches of 8 per epoch, so a dozen steps cross epochs.
const Dataset& tiny_data() {
    static const Dataset data = [] {
        Dataset d;
        d.count = 40;
        d.rows = d.cols = 28;
        d.pixels.resize(size_t(d.count) * 784);
        Rng rng(17, 17);
        for (uint8_t& p : d.pixels) p = uint8_t(rng.below(256));
        return d;
    }();
    return data;
}

std::vector<uint8_t> trained_checkpoint(int steps, uint64_t seed = 11) {
    Gan gan(tiny_config(), seed);
    for (int i = 0; i < steps; ++i) gan.train_step(tiny_data());
    return checkpoint_serialize(gan);
}

void require_same_state(const Gan& a, const Gan& b) {
    CHECK(gan_config_to_json(a.config()) == gan_config_to_json(b.config()));
    CHECK(a.seed() == b.seed());
    CHECK(a.step() == b.step());
    for (int n = 0; n < 2; ++n) {
        const Sequential& x = n == 0 ? a.generator() : a.discriminator();
        const Sequential& y = n == 0 ? b.generator() : b.discriminator();
        CHECK(x.params == y.params);
        CHECK(x.buffers == y.buffers);
        CHECK(x.counters == y.counters);
        const AdamState& p = n == 0 ? a.adam_g() : a.adam_d();
        const AdamState& q = n == 0 ? b.adam_g() : b.adam_d();
        CHECK(p.m == q.m);
        CHECK(p.v == q.v);
        CHECK(p.step == q.step);
    }
    const TrainerState s = a.trainer_state(), t = b.trainer_state();
    CHECK(s.noise.state == t.noise.state);
    CHECK(s.noise.increment == t.noise.increment);
    CHECK(s.noise.has_spare == t.noise.has_spare);
    CHECK(s.data.state == t.data.state);
    CHECK(s.sampler.order == t.sampler.order);
    CHECK(s.sampler.cursor == t.sampler.cursor);
    CHECK(s.sampler.epoch == t.sampler.epoch);
}

// A checkpoint taken apart into metadata and entries, to be edited and put back together.
struct Editable {
    std::vector<std::pair<std::string, std::string>> metadata;
    std::vector<SafetensorsEntry> entries;

    explicit Editable(const std::vector<uint8_t>& bytes) {
        SafetensorsFile file;
        const Status s = safetensors_parse(bytes.data(), bytes.size(), &file);
        REQUIRE(s.ok);
        metadata = file.metadata;
        for (const SafetensorsTensor& t : file.tensors) {
            SafetensorsEntry e{t.name, t.dtype, t.shape, {}};
            e.bytes.assign(file.data + t.begin, file.data + t.end);
            entries.push_back(std::move(e));
        }
    }
    SafetensorsEntry& entry(const std::string& name) {
        for (SafetensorsEntry& e : entries)
            if (e.name == name) return e;
        FAIL("no entry " << name);
        return entries.front();
    }
    void remove(const std::string& name) {
        for (size_t i = 0; i < entries.size(); ++i)
            if (entries[i].name == name) {
                entries.erase(entries.begin() + long(i));
                return;
            }
        FAIL("no entry " << name);
    }
    void remove_prefix(const std::string& prefix) {
        std::vector<SafetensorsEntry> kept;
        for (SafetensorsEntry& e : entries)
            if (e.name.compare(0, prefix.size(), prefix) != 0) kept.push_back(std::move(e));
        entries = std::move(kept);
    }
    void set_metadata(const std::string& key, const std::string& value) {
        for (auto& kv : metadata)
            if (kv.first == key) {
                kv.second = value;
                return;
            }
        metadata.emplace_back(key, value);
    }
    void drop_metadata(const std::string& key) {
        std::vector<std::pair<std::string, std::string>> kept;
        for (auto& kv : metadata)
            if (kv.first != key) kept.push_back(kv);
        metadata = kept;
    }
    std::vector<uint8_t> bytes() const { return safetensors_serialize(metadata, entries); }
};

// A file from a literal header and a data length (zero bytes), for container-level cases.
std::vector<uint8_t> raw_file(const std::string& header, size_t data_bytes) {
    std::vector<uint8_t> out(8 + header.size() + data_bytes, 0);
    const uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) out[size_t(i)] = uint8_t(n >> (8 * i));
    std::memcpy(out.data() + 8, header.data(), header.size());
    return out;
}

std::string header_of(const std::vector<uint8_t>& bytes) {
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[size_t(i)];
    return std::string(bytes.begin() + 8, bytes.begin() + 8 + long(n));
}

// The valid file with its header text edited (the data is kept; the length field is rewritten).
std::vector<uint8_t> with_header(const std::vector<uint8_t>& valid, const std::string& header) {
    const size_t old_header = header_of(valid).size();
    std::vector<uint8_t> out = raw_file(header, 0);
    out.insert(out.end(), valid.begin() + 8 + long(old_header), valid.end());
    return out;
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
    const size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

// Loads bytes into a live, trained Gan, expects failure with `needle` in the message, and
// checks the Gan is bit-for-bit what it was.
void expect_refused(const std::vector<uint8_t>& bytes, const std::string& needle) {
    static Gan victim = [] {
        Gan g(tiny_config(), 99);
        for (int i = 0; i < 3; ++i) g.train_step(tiny_data());
        return g;
    }();
    const std::vector<uint8_t> before = checkpoint_serialize(victim);
    const Status s = checkpoint_load(bytes.data(), bytes.size(), &victim);
    INFO("message: " << s.message);
    CHECK_FALSE(s.ok);
    CHECK_THAT(s.message, Catch::Contains(needle));
    CHECK(checkpoint_serialize(victim) == before);  // untouched
    std::unique_ptr<Gan> fresh;
    const Status s2 = checkpoint_load_new(bytes.data(), bytes.size(), &fresh);
    CHECK_FALSE(s2.ok);
    CHECK(fresh == nullptr);
}

template <typename T>
void put(SafetensorsEntry& e, size_t index, T value) {
    REQUIRE((index + 1) * sizeof(T) <= e.bytes.size());
    std::memcpy(e.bytes.data() + index * sizeof(T), &value, sizeof(T));
}

}  // namespace

// [SECTION] Round trip

TEST_CASE("A checkpoint round-trips exactly and training continues identically", "[checkpoint]") {
    Gan original(tiny_config(), 11);
    for (int i = 0; i < 7; ++i) original.train_step(tiny_data());  // mid-epoch: sampler state matters
    const std::vector<uint8_t> bytes = checkpoint_serialize(original);

    std::unique_ptr<Gan> loaded;
    const Status s = checkpoint_load_new(bytes.data(), bytes.size(), &loaded);
    INFO(s.message);
    REQUIRE(s.ok);
    require_same_state(original, *loaded);
    CHECK(checkpoint_serialize(*loaded) == bytes);  // saving again gives the same bytes

    for (int i = 0; i < 6; ++i) {  // crosses an epoch boundary: the restored order and stream are used
        const StepStats a = original.train_step(tiny_data());
        const StepStats b = loaded->train_step(tiny_data());
        CHECK(a.d_loss == b.d_loss);
        CHECK(a.g_loss == b.g_loss);
    }
    require_same_state(original, *loaded);
}

TEST_CASE("A never-trained Gan round-trips too, and checkpoint_load replaces a Gan", "[checkpoint]") {
    Gan fresh(tiny_config(), 5);
    const std::vector<uint8_t> bytes = checkpoint_serialize(fresh);
    GanConfig other = tiny_config();
    other.g_hidden = {4, 4};
    Gan target(other, 1);
    const Status s = checkpoint_load(bytes.data(), bytes.size(), &target);
    INFO(s.message);
    REQUIRE(s.ok);
    require_same_state(fresh, target);
    CHECK(fresh.train_step(tiny_data()).d_loss == target.train_step(tiny_data()).d_loss);
}

TEST_CASE("The seed's checkpoint has PyTorch's state_dict names, shapes and dtypes", "[checkpoint]") {
    GanConfig seed;
    REQUIRE(gan_config_preset("seed", &seed));
    const Gan gan(seed, 1);
    const std::vector<uint8_t> bytes = checkpoint_serialize(gan);
    SafetensorsFile file;
    REQUIRE(safetensors_parse(bytes.data(), bytes.size(), &file).ok);
    const SafetensorsTensor* w = file.find("generator.model.0.weight");
    REQUIRE(w);
    CHECK(w->shape == std::vector<int64_t>{128, 100});  // Linear(100, 128): (out, in)
    const SafetensorsTensor* n = file.find("generator.model.3.num_batches_tracked");
    REQUIRE(n);
    CHECK(n->dtype == SafetensorsDtype::I64);
    CHECK(n->shape.empty());
    CHECK(file.find("generator.model.6.running_var"));
    CHECK(file.find("discriminator.model.4.weight")->shape == std::vector<int64_t>{1, 256});
    CHECK(file.find("optimizer.discriminator.model.0.weight.exp_avg_sq"));
    CHECK(*file.metadata_value("format") == "ganvas-checkpoint");
    CHECK(*file.metadata_value("format_version") == "1");
}

TEST_CASE("spectral_norm and minibatch_stddev: weight_orig, weight_u, weight_v are saved, and a resumed run joins exactly",
          "[checkpoint][spectral][mbstd]") {
    GanConfig c = tiny_config();
    c.spectral_norm = true;
    c.minibatch_stddev = true;
    Gan original(c, 11);
    for (int i = 0; i < 7; ++i) original.train_step(tiny_data());  // u, v moved by 21 power iterations
    const std::vector<uint8_t> bytes = checkpoint_serialize(original);
    SafetensorsFile file;
    REQUIRE(safetensors_parse(bytes.data(), bytes.size(), &file).ok);
    // PyTorch's spectral_norm names; the stddev layer (model.4) has no tensors, the last Linear is model.5.
    CHECK(file.find("discriminator.model.0.weight_orig")->shape == std::vector<int64_t>{8, 784});
    CHECK(file.find("discriminator.model.0.weight_u")->shape == std::vector<int64_t>{8});
    CHECK(file.find("discriminator.model.0.weight_v")->shape == std::vector<int64_t>{784});
    CHECK(file.find("discriminator.model.5.weight_orig")->shape == std::vector<int64_t>{1, 5});
    CHECK(file.find("discriminator.model.0.weight") == nullptr);
    CHECK(file.find("discriminator.model.4.weight_orig") == nullptr);
    CHECK(file.find("optimizer.discriminator.model.0.weight_orig.exp_avg"));
    CHECK(file.find("optimizer.discriminator.model.0.weight_u.exp_avg") == nullptr);  // buffers: not trained

    std::unique_ptr<Gan> loaded;
    const Status s = checkpoint_load_new(bytes.data(), bytes.size(), &loaded);
    INFO(s.message);
    REQUIRE(s.ok);
    CHECK(loaded->config().spectral_norm);
    CHECK(loaded->config().minibatch_stddev);
    require_same_state(original, *loaded);
    for (int i = 0; i < 6; ++i) {
        const StepStats a = original.train_step(tiny_data());
        const StepStats b = loaded->train_step(tiny_data());
        CHECK(a.d_loss == b.d_loss);
        CHECK(a.g_loss == b.g_loss);
    }
    require_same_state(original, *loaded);
}

TEST_CASE("Without optimizer and trainer state a checkpoint loads fresh Adam and the seed's streams", "[checkpoint]") {
    Editable e(trained_checkpoint(3, 21));
    e.remove_prefix("optimizer.");
    e.remove_prefix("trainer.");
    const std::vector<uint8_t> bytes = e.bytes();
    std::unique_ptr<Gan> loaded;
    const Status s = checkpoint_load_new(bytes.data(), bytes.size(), &loaded);
    INFO(s.message);
    REQUIRE(s.ok);
    const Gan fresh(tiny_config(), 21);
    CHECK(loaded->adam_g().step == 0);
    CHECK(loaded->adam_g().m == fresh.adam_g().m);
    CHECK(loaded->trainer_state().noise.state == fresh.trainer_state().noise.state);
    CHECK(loaded->step() == 3);
    CHECK(loaded->generator().params != fresh.generator().params);  // the weights did load
}

// [SECTION] Written by PyTorch

TEST_CASE("A checkpoint written by PyTorch loads, generates and trains as PyTorch does", "[checkpoint][reference]") {
    // tests/reference/make_reference.py: the seed's modules with a small config, two PyTorch
    // training iterations, then written with its Adam state; the expected outputs are in
    // reference.safetensors (pt_ckpt.*). Tolerances as in test_reference.cpp.
    const ReferenceFile& ref = reference();
    std::vector<uint8_t> bytes;
    REQUIRE(file_read_all(reference_dir() + "/pytorch_checkpoint.safetensors", &bytes).ok);
    std::unique_ptr<Gan> gan;
    const Status s = checkpoint_load_new(bytes.data(), bytes.size(), &gan);
    INFO(s.message);
    REQUIRE(s.ok);
    CHECK(gan_config_to_json(gan->config()) == gan_config_to_json(tiny_config()));
    CHECK(gan->step() == 2);
    CHECK(gan->seed() == 5);
    CHECK(gan->adam_g().step == 2);
    CHECK(gan->adam_d().step == 2);
    CHECK(gan->generator().counter(3) == 4);  // two G forwards per iteration

    const std::vector<float> z = ref.f32("pt_ckpt.z");
    Matrix images(8, 784);
    gan->generate(ConstMatrixView(z.data(), 8, 8), view_of(images), BatchNormMode::Eval);
    check_full(ref, "pt_ckpt.eval_out", images.data(), size_t(images.size()), Tolerance{1e-5});

    const std::vector<float> real = ref.f32("pt_ckpt.next.real"), z_d = ref.f32("pt_ckpt.next.z_d"),
                             z_g = ref.f32("pt_ckpt.next.z_g");
    const StepStats st = gan->train_step_with(ConstMatrixView(real.data(), 8, 784), ConstMatrixView(z_d.data(), 8, 8),
                                              ConstMatrixView(z_g.data(), 8, 8));
    check_scalar("pt_ckpt.next.d_loss", st.d_loss, ref.scalar("pt_ckpt.next.d_loss"), 1e-4);
    check_scalar("pt_ckpt.next.g_loss", st.g_loss, ref.scalar("pt_ckpt.next.g_loss"), 1e-4);
    // The third Adam step depends on the loaded moments and step count: a wrong mapping of
    // exp_avg / exp_avg_sq / step would move every weight by ~lr. Biases feeding a BatchNorm and
    // the running means tracking them: 3 iterations x lr of Adam-amplified noise (test_reference.cpp).
    const double drift = 3 * double(gan->config().adam_g.lr);
    auto noisy = [&](const TensorInfo& t, Tolerance* tol) {
        const size_t layer = layer_of(t);
        const bool bias = feeds_batchnorm(gan->generator(), layer) && t.name.find(".bias") != std::string::npos;
        const bool mean = layer > 0 && feeds_batchnorm(gan->generator(), layer - 1) && t.name.find("running_mean") != std::string::npos;
        if (bias || mean) tol->abs = drift;
    };
    check_network(ref, "pt_ckpt.next.generator", gan->generator(), false, Tolerance{1e-4}, noisy);
    check_network(ref, "pt_ckpt.next.discriminator", gan->discriminator(), false, Tolerance{1e-4});
}

// [SECTION] Hostile files

TEST_CASE("Truncated files are refused at every length", "[checkpoint][hostile]") {
    const std::vector<uint8_t> valid = trained_checkpoint(2);
    expect_refused({}, "8-byte header length");
    expect_refused(std::vector<uint8_t>(valid.begin(), valid.begin() + 5), "8-byte header length");
    expect_refused(std::vector<uint8_t>(valid.begin(), valid.begin() + 100), "only 92 follow");
    const size_t data_start = 8 + header_of(valid).size();
    expect_refused(std::vector<uint8_t>(valid.begin(), valid.begin() + long(data_start) + 10), "reach past the end");
    expect_refused(std::vector<uint8_t>(valid.begin(), valid.end() - 1), "reach past the end");
    // Every 97th cut point, header and data alike.
    for (size_t cut = 0; cut < valid.size(); cut += 97) {
        const std::vector<uint8_t> part(valid.begin(), valid.begin() + long(cut));
        Gan g(tiny_config(), 1);
        const Status s = checkpoint_load(part.data(), part.size(), &g);
        INFO("cut at " << cut << ": " << s.message);
        REQUIRE_FALSE(s.ok);
        REQUIRE_FALSE(s.message.empty());
    }
}

TEST_CASE("Absurd or malformed headers are refused", "[checkpoint][hostile]") {
    std::vector<uint8_t> valid = trained_checkpoint(2);
    std::vector<uint8_t> huge = valid;
    huge[5] = 0x01;  // header length ~ 2^40
    expect_refused(huge, "100 MB limit");
    std::vector<uint8_t> longer = valid;
    const uint64_t n = valid.size();  // more than what follows
    for (int i = 0; i < 8; ++i) longer[size_t(i)] = uint8_t(n >> (8 * i));
    expect_refused(longer, "truncated or not a safetensors file");

    const std::string header = header_of(valid);
    expect_refused(with_header(valid, replace_once(header, "{\"dtype\"", "{\"dtype\"\"")), "not valid JSON");
    expect_refused(with_header(valid, replace_once(header, "\"shape\":[", "\"shape\":[,")), "not valid JSON");
    expect_refused(raw_file(std::string(100000, '[') + std::string(100000, ']'), 0), "nested deeper");
    expect_refused(raw_file("[1, 2, 3]  ", 0), "not an object");
    expect_refused(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                            "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
                   "duplicate key");
    expect_refused(raw_file("{\"__metadata__\":{\"format\":7}}", 0), "metadata values are strings");
    expect_refused(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", 4), "unexpected key 'extra'");
}

TEST_CASE("Overlapping, out-of-range, non-contiguous or mis-sized offsets are refused", "[checkpoint][hostile]") {
    expect_refused(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                            "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
                   "overlap");
    expect_refused(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                            "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12),
                   "unused bytes");
    expect_refused(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12), "after the last tensor");
    expect_refused(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4000000]}}", 4), "reach past the end");
    expect_refused(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8), "0 <= begin <= end");
    expect_refused(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 8), "0 <= begin <= end");
    expect_refused(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes");
    expect_refused(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8),
                   "more bytes than the file has");
    expect_refused(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}", 8),
                   "non-negative integers");
    // The same through a real checkpoint: generator.model.0.bias (8 floats after the 8 x 8 weight)
    // pointed at the weight's first 32 bytes.
    const std::vector<uint8_t> valid = trained_checkpoint(1);
    const std::string header = header_of(valid);
    expect_refused(with_header(valid, replace_once(header, "\"data_offsets\":[256,288]", "\"data_offsets\":[0,32]")), "overlap");
}

TEST_CASE("Wrong shapes, dtypes, unknown and missing names are refused", "[checkpoint][hostile]") {
    const std::vector<uint8_t> valid = trained_checkpoint(2);
    {
        Editable e(valid);
        e.entry("generator.model.2.weight").shape = {8, 16};
        expect_refused(e.bytes(), "has shape [8, 16] but the checkpoint's config needs [16, 8] (Linear weights are (out, in))");
    }
    {
        Editable e(valid);
        SafetensorsEntry& w = e.entry("discriminator.model.4.bias");
        std::vector<double> wide = {0.5};
        w = SafetensorsEntry::of(w.name, SafetensorsDtype::F64, {1}, wide.data(), 1);
        expect_refused(e.bytes(), "is F64 but Ganvas stores it as F32");
    }
    expect_refused(raw_file("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "does not read");
    {
        Editable e(valid);
        std::vector<float> one = {1.0f};
        e.entries.push_back(SafetensorsEntry::of("generator.model.99.weight", SafetensorsDtype::F32, {1}, one.data(), 1));
        expect_refused(e.bytes(), "unknown tensor 'generator.model.99.weight'");
    }
    {
        Editable e(valid);
        e.remove("discriminator.model.4.bias");
        expect_refused(e.bytes(), "tensor 'discriminator.model.4.bias' is missing");
    }
    {
        Editable e(valid);
        e.remove("optimizer.generator.model.0.bias.exp_avg");
        expect_refused(e.bytes(), "all of the optimizer state or none");
    }
    {
        Editable e(valid);
        e.remove("trainer.sampler_position");
        expect_refused(e.bytes(), "all of the trainer state or none");
    }
    {
        GanConfig bigger = tiny_config();
        bigger.d_hidden = {8, 5};  // the file's config says 5 wide: the stored (4, 8) tensors no longer fit
        Editable e(valid);
        e.set_metadata("config", gan_config_to_json(bigger));
        e.drop_metadata("recipe");  // as a file from before recipes: config alone decides
        expect_refused(e.bytes(), "discriminator.model.2.weight' has shape [4, 8] but the checkpoint's config needs [5, 8]");
    }
}

TEST_CASE("Non-finite and impossible values are refused", "[checkpoint][hostile]") {
    const std::vector<uint8_t> valid = trained_checkpoint(6);  // past one epoch
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    {
        Editable e(valid);
        put(e.entry("generator.model.8.weight"), 17, nan);
        expect_refused(e.bytes(), "'generator.model.8.weight' holds a non-finite value (nan) at index 17");
    }
    {
        Editable e(valid);
        put(e.entry("optimizer.discriminator.model.0.weight.exp_avg"), 3, -inf);
        expect_refused(e.bytes(), "non-finite");
    }
    {
        Editable e(valid);
        put(e.entry("generator.model.6.running_var"), 2, -0.5f);
        expect_refused(e.bytes(), "negative value");
    }
    {
        Editable e(valid);
        put(e.entry("optimizer.generator.model.3.weight.exp_avg_sq"), 0, -1e-12f);
        expect_refused(e.bytes(), "negative value");
    }
    {
        Editable e(valid);
        put(e.entry("generator.model.3.num_batches_tracked"), 0, int64_t(-1));
        expect_refused(e.bytes(), "is a counter but holds -1");
    }
    {
        Editable e(valid);
        put(e.entry("trainer.sampler_order"), 0, uint32_t(1));  // 1 appears twice
        put(e.entry("trainer.sampler_order"), 1, uint32_t(1));
        expect_refused(e.bytes(), "not a permutation");
    }
    {
        Editable e(valid);
        put(e.entry("trainer.sampler_position"), 0, int64_t(41));  // past 40 entries
        expect_refused(e.bytes(), "outside trainer.sampler_order");
    }
    {
        Editable e(valid);
        put(e.entry("trainer.noise_rng"), 1, uint64_t(2));  // an even increment is not a PCG stream
        expect_refused(e.bytes(), "not a valid random stream state");
    }
}

TEST_CASE("Wrong or missing metadata is refused", "[checkpoint][hostile]") {
    const std::vector<uint8_t> valid = trained_checkpoint(1);
    auto edited = [&](const std::string& key, const std::string& value) {
        Editable e(valid);
        e.set_metadata(key, value);
        if (key == "config") e.drop_metadata("recipe");  // as a file from before recipes: config alone decides
        return e.bytes();
    };
    auto dropped = [&](const std::string& key) {
        Editable e(valid);
        e.drop_metadata(key);
        return e.bytes();
    };
    expect_refused(dropped("format"), "not a Ganvas checkpoint");
    expect_refused(edited("format", "pytorch"), "says format 'pytorch', not 'ganvas-checkpoint'");
    expect_refused(edited("format_version", "2"), "newer than this Ganvas reads");
    expect_refused(edited("format_version", "one"), "format_version is missing or not a positive integer");
    expect_refused(dropped("config"), "no \"config\"");
    expect_refused(edited("config", "{\"latent_dim\":8,"), "config is not valid JSON");
    expect_refused(edited("config", "{\"latent_dims\":8}"), "unknown key 'latent_dims'");
    expect_refused(edited("config", "{\"latent_dim\":8.5}"), "'latent_dim' must be an integer");
    expect_refused(edited("config", "{\"batch_size\":1}"), "batch size must be 2..1024");
    GanConfig huge = tiny_config();
    huge.g_hidden = {4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096};  // valid, but ~540 MB of weights
    expect_refused(edited("config", gan_config_to_json(huge)), "bytes of weights but the file holds only");
    expect_refused(edited("step", "-3"), "\"step\" is missing or not a non-negative integer");
    expect_refused(edited("seed", "99999999999999999999999"), "\"seed\" is missing");
    Editable no_meta(valid);
    no_meta.metadata.clear();
    expect_refused(no_meta.bytes(), "no __metadata__");
}

TEST_CASE("gan_config_from_json reads what gan_config_to_json writes", "[checkpoint]") {
    GanConfig c = tiny_config();
    c.adam_g.lr = 1e-3f;
    c.leaky_slope = 0.1f;
    GanConfig back;
    REQUIRE(gan_config_from_json(gan_config_to_json(c), &back).ok);
    CHECK(gan_config_to_json(back) == gan_config_to_json(c));
    CHECK(back.adam_g.lr == 1e-3f);
    GanConfig defaults;
    REQUIRE(gan_config_from_json("{}", &defaults).ok);  // absent keys: the seed's values
    CHECK(defaults.g_hidden == std::vector<int>{128, 256, 512});
}

TEST_CASE("A checkpoint carries its recipe; files without one load; a recipe that disagrees is refused", "[checkpoint][recipe]") {
    Recipe recipe = recipe_of(tiny_config(), 11);
    REQUIRE(recipe_add_change(&recipe, 100, "adam_g.lr", "0.0001").ok);  // still ahead at step 2
    REQUIRE(recipe_add_change(&recipe, 200, "d_steps", "2").ok);
    Gan gan(recipe);
    for (int i = 0; i < 2; ++i) gan.train_step(tiny_data());
    const std::vector<uint8_t> bytes = checkpoint_serialize(gan);
    std::unique_ptr<Gan> loaded;
    Recipe back;
    REQUIRE(checkpoint_load_new(bytes.data(), bytes.size(), &loaded, &back).ok);
    CHECK(recipe_to_json(back) == recipe_to_json(recipe));
    CHECK(loaded->step() == 2);

    Editable old(bytes);
    old.drop_metadata("recipe");  // a file from before recipes
    const std::vector<uint8_t> old_bytes = old.bytes();
    REQUIRE(checkpoint_load_new(old_bytes.data(), old_bytes.size(), &loaded, &back).ok);
    CHECK(back.timeline.empty());
    CHECK(back.seed == 11);
    CHECK(gan_config_to_json(back.config) == gan_config_to_json(tiny_config()));

    auto with_recipe = [&](const Recipe& r) {
        Editable e(bytes);
        e.set_metadata("recipe", recipe_to_json(r));
        return e.bytes();
    };
    Recipe other_seed = recipe;
    other_seed.seed = 12;
    expect_refused(with_recipe(other_seed), "recipe has seed 12 but its metadata says 11");
    Recipe other_config = recipe;
    other_config.config.leaky_slope = 0.25f;
    expect_refused(with_recipe(other_config), "recipe, replayed to step 2, does not give the config");
    Recipe early = recipe_of(tiny_config(), 11);
    REQUIRE(recipe_add_change(&early, 1, "adam_d.lr", "0.001").ok);  // in effect at step 2: not the file's config
    expect_refused(with_recipe(early), "does not give the config");
    Editable bad(bytes);
    bad.set_metadata("recipe", "{\"config\": {}, \"seed\": 11, \"timeline\": [{\"step\": 5, \"key\": \"latent_dim\", \"value\": 9}]}");
    expect_refused(bad.bytes(), "recipe: timeline[0]: 'latent_dim' is reset-only");
}
