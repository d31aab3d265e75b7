// test_session.cpp - the app's session and driver (shell/session.h, shell/driver.h) without a
// window: commands take effect in the order given; Start / Pause / Step count steps exactly;
// frame slices keep to their budget (on a fake clock); the trainer thread and frame slices
// train the same bits for the same commands (checkpoint bytes); a bad checkpoint keeps the
// model and says why; Reset; the grid's z; the history stays bounded.
// Natively and in wasm (there without the trainer thread: that build has no threads).
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>

#include "driver.h"
#include "base/parallel.h"
#include "gan/streams.h"
#include "base/hash.h"
#include "io/checkpoint.h"
#include "io/generator_file.h"
#include "io/link.h"
#include "io/safetensors.h"
#include "session.h"
#include "session_support.h"
#include "test_support.h"

using namespace ganvas;
using ganvas_test::mnist;
using ganvas_test::seed_config;

namespace {

SessionConfig test_config(uint64_t seed = 1) { return ganvas_test::session_test_config(seed); }

// A clock the test moves: every reading advances it by `tick` (the work between two readings),
// and the test adds time between frames (what drawing would take).
// Powers of two keep every difference exact: 1/1024 s ticks on a clock starting at 64 s.
constexpr double kTick = 1.0 / 1024;
struct FakeClock {
    double now = 64, tick = kTick;
    DriverClock clock() {
        return [this] {
            const double t = now;
            now += tick;
            return t;
        };
    }
};

// Checkpoints are compared by content hash: a mismatch prints two short lines, not 13 MB.
std::string hash_of(const std::vector<uint8_t>& bytes) { return content_hash_hex(bytes.data(), bytes.size()); }

std::string checkpoint_of(Driver& driver, const Session& session) {
    REQUIRE(driver.run(command::SaveCheckpoint{}));
    REQUIRE_FALSE(session.saved_checkpoint().empty());
    return hash_of(session.saved_checkpoint());
}

// A session's fresh model names its images in its recipe (Recipe::data_hash); `named` does so too.
std::string plain_checkpoint(int64_t steps, uint64_t seed = 1, bool named = true) {
    Gan gan(seed_config(), seed);
    if (named) gan.set_data_hash(dataset_content_hash(mnist()));
    for (int64_t i = 0; i < steps; ++i) gan.train_step(mnist());
    return hash_of(checkpoint_serialize(gan));
}

// Frames until the session reports `step` or more (real time: a trainer thread may be training).
void frames_until(Driver& driver, const Session& session, int64_t step) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (session.step() < step) {
        driver.frame();
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

}  // namespace

TEST_CASE("Session commands take effect in the order they were queued", "[session]") {
    Session session(test_config());
    REQUIRE(session.ready());
    Driver driver(session, DriverMode::FrameSlices);
    driver.submit(command::Step{2});
    driver.submit(command::SaveCheckpoint{});
    driver.submit(command::Step{1});
    CHECK(session.step() == 0);  // queued, not applied
    REQUIRE(driver.apply_pending());
    CHECK(session.step() == 3);
    CHECK(hash_of(session.saved_checkpoint()) == plain_checkpoint(2));  // saved between the two Steps

    driver.submit(command::Reset{});
    driver.submit(command::Step{4});
    driver.submit(command::ShowMessage{"first", false});
    driver.submit(command::ShowMessage{"second", true});
    REQUIRE(driver.apply_pending());
    CHECK(session.step() == 4);
    CHECK(checkpoint_of(driver, session) == plain_checkpoint(4));
    CHECK(session.status().message == "second");
    CHECK(session.status().message_is_error);
}

TEST_CASE("Start, Pause and Step count steps exactly", "[session]") {
    Session session(test_config());
    FakeClock fake;
    Driver driver(session, DriverMode::FrameSlices, fake.clock());
    REQUIRE(driver.run(command::Step{3}));
    CHECK(session.step() == 3);
    CHECK_FALSE(session.running());

    REQUIRE(driver.run(command::Start{}));
    for (int f = 0; f < 40 && session.step() < 6; ++f) {
        driver.frame();
        fake.now += 0.004;  // drawing
    }
    REQUIRE(driver.run(command::Pause{}));
    const int64_t paused = session.step();
    REQUIRE(paused >= 6);
    for (int f = 0; f < 10; ++f) driver.frame();  // paused: frames train nothing
    CHECK(session.step() == paused);

    // Step 5 from wherever the pause landed (maybe inside an iteration): exactly 5 more.
    REQUIRE(driver.run(command::Step{5}));
    CHECK(session.step() == paused + 5);
    CHECK_FALSE(session.running());
    CHECK(checkpoint_of(driver, session) == plain_checkpoint(paused + 5));
    CHECK(session.history().d_loss().size() == size_t(paused + 5));  // every iteration recorded once
}

TEST_CASE("Frame slices keep to their time budget", "[session][driver]") {
    Session session(test_config());
    FakeClock fake;
    Driver driver(session, DriverMode::FrameSlices, fake.clock());
    REQUIRE(driver.run(command::Start{}));
    // Part time unknown: nothing fits unless the frame must step; then parts while the next fits.
    CHECK(driver.train_slice(12.5 * kTick, false) == 0);
    CHECK(driver.train_slice(1.5 * kTick, true) == 1);  // measured: 1 tick a part; 2 > 1.5
    CHECK(session.model()->parts_done() == 1);
    // 1-tick parts in a 12.5-tick slice: 12 parts (3 steps), never a part past the budget.
    CHECK(driver.train_slice(12.5 * kTick, false) == 12);
    CHECK(driver.train_slice(3.5 * kTick, false) == 3);
    fake.tick = 5 * kTick;  // slower parts: the estimate follows (smoothed), the budget still holds
    for (int i = 0; i < 30; ++i) driver.train_slice(12.5 * kTick, true);
    CHECK(driver.train_slice(12.5 * kTick, false) == 2);  // 5 + 5 <= 12.5 < 15
    CHECK(driver.train_slice(4 * kTick, false) == 0);     // a 5-tick part does not fit 4
    CHECK(driver.train_slice(4 * kTick, true) == 1);      // unless the frame must step

    SECTION("a fast frame keeps the minimum slice, a slow one gives training a share") {
        fake.tick = kTick;
        for (int f = 0; f < 60; ++f) {
            const int64_t before = session.step();
            const double begin = fake.now;
            driver.frame();
            // The slice, plus the few clock readings around it (each one tick).
            CHECK(fake.now - begin <= driver.status().train_slice_ms / 1000 + 6 * kTick);
            CHECK(session.step() - before <= 4);
            fake.now += 0.002;  // drawing is quick: a 60 Hz display waits for vsync
        }
        CHECK(driver.status().train_slice_ms == Approx(kTrainSliceSeconds * 1000));
        for (int f = 0; f < 60; ++f) {
            driver.frame();
            fake.now += 0.040;  // drawing takes 40 ms (software WebGL)
        }
        const double slice = driver.status().train_slice_ms / 1000;
        CHECK(slice > kTrainSliceSeconds);
        CHECK(slice <= kMaxTrainSliceSeconds);
        CHECK(driver.status().frame_ms_p95 >= driver.status().frame_ms_median);
        CHECK(driver.status().frame_ms_p95 > 40);
    }
}

TEST_CASE("The trainer thread and frame slices train the same bits for the same commands", "[session][driver]") {
    if (!TrainerThread::available()) {
        WARN("no threads in this build: only the frame slices run");
        return;
    }
    Session threaded(test_config()), sliced(test_config());
    Driver on_thread(threaded, DriverMode::TrainerThread);
    Driver in_slices(sliced, DriverMode::FrameSlices);
    REQUIRE(on_thread.trainer_thread());
    REQUIRE_FALSE(in_slices.trainer_thread());
    // One after the other: the core's GEMM pool serves one training thread at a time.
    for (Driver* d : {&on_thread, &in_slices}) {
        Session& s = d == &on_thread ? threaded : sliced;
        d->submit(command::Step{3});
        d->submit(command::Start{});
        REQUIRE(d->apply_pending());
        CHECK(s.step() == 3);
        frames_until(*d, s, 8);
        REQUIRE(d->run(command::SetThreads{2}));  // parks, changes, resumes: same bits
        CHECK(s.running());
        frames_until(*d, s, 14);
        REQUIRE(d->run(command::Pause{}));  // anywhere in a step
    }
    // Save finishes a begun iteration; then both step to the same point.
    const std::string a = checkpoint_of(on_thread, threaded), b = checkpoint_of(in_slices, sliced);
    const int64_t target = std::max(threaded.step(), sliced.step()) + 2;
    REQUIRE(on_thread.run(command::Step{target - threaded.step()}));
    REQUIRE(in_slices.run(command::Step{target - sliced.step()}));
    const std::string expected = plain_checkpoint(target);
    CHECK(checkpoint_of(on_thread, threaded) == expected);
    CHECK(checkpoint_of(in_slices, sliced) == expected);
    CHECK(threaded.history().d_loss().size() == size_t(target));
    CHECK(sliced.history().d_loss().size() == size_t(target));
    CHECK(threaded.history().d_loss() == sliced.history().d_loss());
    CHECK(a != expected);  // (saved before the last Steps)
    CHECK(b != expected);
    set_threads(1);
}

TEST_CASE("A corrupt checkpoint keeps the model and says why", "[session]") {
    Session session(test_config());
    Driver driver(session);
    REQUIRE(driver.run(command::Step{2}));
    const std::string before = checkpoint_of(driver, session);
    const std::vector<uint8_t> saved = session.saved_checkpoint();
    std::vector<std::vector<uint8_t>> bad = {{1, 2, 3}, std::vector<uint8_t>(saved.begin(), saved.end() - 100)};
    for (const std::vector<uint8_t>& bytes : bad) {
        const Status loaded = driver.run(command::LoadCheckpoint{bytes});
        REQUIRE_FALSE(loaded);
        const SessionStatus s = session.status();
        CHECK(s.step == 2);
        CHECK(s.message == loaded.message);
        CHECK(s.message_is_error);
        CHECK(s.message.find("Cannot load the checkpoint") == 0);
        CHECK(s.error.empty());
        CHECK(checkpoint_of(driver, session) == before);
    }
    // A good one replaces the model, pauses and says so; the grid's z follow the model's seed.
    Gan other(seed_config(), 7);
    for (int i = 0; i < 3; ++i) other.train_step(mnist());
    REQUIRE(driver.run(command::Start{}));
    REQUIRE(driver.run(command::LoadCheckpoint{checkpoint_serialize(other)}));
    CHECK_FALSE(session.running());
    CHECK(session.status().message == "Loaded checkpoint: step 3");
    CHECK_FALSE(session.status().message_is_error);
    CHECK(session.model_seed() == 7);
    Matrix z(kGridCount, seed_config().latent_dim);
    sample_z_rows(7, 0, view_of(z));
    CHECK(session.grid_z() == z);
    CHECK(checkpoint_of(driver, session) == plain_checkpoint(3, 7, false));  // a loaded model keeps its recipe
}

TEST_CASE("Reset gives the seed's fresh model, paused, with an empty history", "[session]") {
    Session session(test_config(5));
    Driver driver(session);
    Matrix z(kGridCount, seed_config().latent_dim);
    sample_z_rows(5, 0, view_of(z));
    CHECK(session.grid_z() == z);  // z of (seed, 0..63): the z `ganvas sample --seed 5` draws
    const std::string fresh = checkpoint_of(driver, session);
    const uint64_t model = session.model_version();
    REQUIRE(driver.run(command::Start{}));
    REQUIRE(driver.run(command::Step{4}));
    CHECK(session.running());  // Step keeps running as it was
    REQUIRE(driver.run(command::Reset{}));
    CHECK(session.step() == 0);
    CHECK_FALSE(session.running());
    CHECK(session.history().d_loss().empty());
    CHECK(session.model_version() != model);
    CHECK(checkpoint_of(driver, session) == fresh);
    CHECK(fresh == plain_checkpoint(0, 5));
    CHECK(session.grid_z() == z);
}

TEST_CASE("Step D / Step G update one network alone, on the trainer thread's model too; Reset applies staged settings",
          "[session][lone]") {
    Session session(test_config(5));
    Driver driver(session);
    REQUIRE(driver.run(command::Start{}));
    frames_until(driver, session, 3);
    REQUIRE(driver.run(command::Pause{}));
    REQUIRE(driver.run(command::Step{1}));  // ends a begun iteration (a lone update would, too)
    const int64_t at = session.step();
    const StepStats before = session.status().last;
    REQUIRE(driver.run(command::StepAlone{'d'}));
    SessionStatus s = session.status();
    CHECK(s.step == at);
    CHECK(s.lone_d == 1);
    CHECK(s.lone_g == 0);
    CHECK(s.last.d_loss != before.d_loss);
    CHECK(s.last.g_loss == before.g_loss);
    REQUIRE(driver.run(command::StepAlone{'g'}));
    s = session.status();
    CHECK(s.lone_g == 1);
    CHECK(s.last.g_loss != before.g_loss);
    REQUIRE(session.model()->recipe().timeline.size() == 2);
    CHECK(session.model()->recipe().timeline[1].step == at);
    // Replaying the session's recipe gives its bits.
    const std::string bits = checkpoint_of(driver, session);
    Gan replay(session.model()->recipe());
    for (int64_t i = 0; i < at; ++i) replay.train_step(session.data());
    CHECK(hash_of(checkpoint_serialize(replay)) == bits);

    // Reset with staged reset-only settings: a refused one keeps the run and says why.
    const Status bad = driver.run(command::Reset{{{"batch_size", "1"}}});
    CHECK_FALSE(bad.ok);
    CHECK(bad.message.find("batch_size") != std::string::npos);
    CHECK(session.step() == at);
    CHECK(session.status().message_is_error);
    REQUIRE(driver.run(command::Reset{{{"batch_size", "32"}, {"g_hidden", "64,128"}}}));
    CHECK(session.step() == 0);
    CHECK(session.gan_config().batch_size == 32);
    CHECK(session.gan_config().g_hidden == std::vector<int>{64, 128});
    CHECK(session.model()->recipe().timeline.empty());
    REQUIRE(driver.run(command::Step{1}));
    CHECK(session.step() == 1);
}

TEST_CASE("Samples show the model: G of the grid's z, without changing it", "[session]") {
    Session session(test_config());
    Driver driver(session);
    REQUIRE(driver.run(command::Step{2}));
    const uint64_t version = session.samples_version();
    const std::string before = checkpoint_of(driver, session);
    REQUIRE(driver.run(command::RefreshSamples{}));
    CHECK(session.samples_version() > version);
    CHECK(checkpoint_of(driver, session) == before);  // TrainNoUpdate: running statistics untouched
    Gan gan(seed_config(), 1);
    for (int i = 0; i < 2; ++i) gan.train_step(mnist());
    Matrix expected(kGridCount, gan.config().image_pixels);
    gan.generate(const_view_of(session.grid_z()), view_of(expected), BatchNormMode::TrainNoUpdate);
    CHECK(session.samples() == expected);
}

TEST_CASE("The history stays bounded and keeps the means", "[session]") {
    TrainingHistory h(8);
    for (int i = 0; i < 16; ++i) {
        StepStats s;
        s.d_loss = float(i);
        s.g_loss = float(2 * i);
        s.d_real = 1;
        s.d_fake = 0.5f;
        h.add(s);
        CHECK(h.d_loss().size() < 8);  // full means halved at once
        CHECK(h.d_loss().capacity() <= 8);
    }
    // 16 steps at capacity 8: halved twice, each point the mean of 4 steps.
    CHECK(h.steps_per_point() == 4);
    CHECK(h.d_loss() == std::vector<float>{1.5f, 5.5f, 9.5f, 13.5f});
    CHECK(h.g_loss() == std::vector<float>{3, 11, 19, 27});
    CHECK(h.d_real() == std::vector<float>(4, 1.0f));
    CHECK(h.d_fake() == std::vector<float>(4, 0.5f));
    h.clear();
    CHECK(h.d_loss().empty());
    CHECK(h.steps_per_point() == 1);

    FrameTimes times;  // the frame-time ring behind status().frame_ms_p95
    CHECK(times.quantile(0.95) == 0);
    for (int i = 1; i <= 300; ++i) times.add(i);  // only the last kFrameWindow stay
    CHECK(times.count() == kFrameWindow);
    CHECK(times.quantile(0.5) == Approx(300 - kFrameWindow + kFrameWindow / 2));
    CHECK(times.quantile(0.95) == Approx(300 - kFrameWindow + 114));
}

TEST_CASE("Settings given at start (--set) shape the session's model; a bad one is an error, not a crash",
          "[session][settings]") {
    SessionConfig c = test_config();
    c.sets = {"adam_g.lr=0.001", "g_hidden=64,128,256"};
    Session session(c);
    REQUIRE(session.ready());
    CHECK(session.gan_config().adam_g.lr == 0.001f);
    CHECK(session.gan_config().g_hidden == std::vector<int>{64, 128, 256});
    CHECK(session.preset_label() == "seed (changed)");
    REQUIRE(session.apply(command::Reset{}).ok);
    CHECK(session.gan_config().g_hidden == std::vector<int>{64, 128, 256});  // Reset keeps them

    c.sets = {"batch_size=1"};
    Session refused(c);
    CHECK_FALSE(refused.ready());
    CHECK_THAT(refused.status().error, Catch::Contains("batch_size"));
}

TEST_CASE("The preset picker (SetPreset) resets to a fresh model of the preset; an unknown one is refused",
          "[session][settings]") {
    SessionConfig c = test_config();
    c.sets = {"adam_g.lr=0.001"};
    Session session(c);
    REQUIRE(session.ready());
    REQUIRE(session.apply(command::Step{3}).ok);
    const std::vector<std::string> names = gan_config_preset_names();
    REQUIRE(names.size() >= 4);  // seed, collapse, unstable, stable
    for (const std::string& name : names) {
        INFO(name);
        REQUIRE(session.apply(command::SetPreset{name}).ok);
        GanConfig expected;
        REQUIRE(gan_config_preset(name, &expected));
        CHECK(gan_config_to_json(session.gan_config()) == gan_config_to_json(expected));  // the --set is gone
        CHECK(session.status().step == 0);
        CHECK(session.status().preset == name);
        CHECK(session.preset_label() == name);
        CHECK_FALSE(session.running());
    }
    const std::string json_before = gan_config_to_json(session.gan_config());
    const Status refused = session.apply(command::SetPreset{"no-such-preset"});
    CHECK_FALSE(refused.ok);
    CHECK_THAT(refused.message, Catch::Contains("no-such-preset"));
    CHECK(gan_config_to_json(session.gan_config()) == json_before);
    CHECK(session.status().preset == names.back());
}

// [SECTION] The digit and share links (session_link.cpp)

namespace {

// Frames until the session no longer rebuilds (real time: a trainer thread may be training).
void frames_until_rebuilt(Driver& driver, const Session& session) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    driver.frame();
    while (session.rebuilding()) {
        driver.frame();
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

// The checkpoint without one __metadata__ key (a file without "recipe" is as PyTorch writes it).
std::vector<uint8_t> without_metadata_key(const std::vector<uint8_t>& bytes, const std::string& key) {
    SafetensorsFile file;
    REQUIRE(safetensors_parse(bytes.data(), bytes.size(), &file));
    std::vector<std::pair<std::string, std::string>> metadata;
    for (const auto& kv : file.metadata)
        if (kv.first != key) metadata.push_back(kv);
    std::vector<SafetensorsEntry> entries;
    for (const SafetensorsTensor& t : file.tensors)
        entries.push_back(SafetensorsEntry{t.name, t.dtype, t.shape, std::vector<uint8_t>(file.data + t.begin, file.data + t.end)});
    return safetensors_serialize(metadata, entries);
}

std::vector<float> grid_cell(const Session& session, int index) {
    const float* row = session.samples().data() + size_t(index) * size_t(session.samples().cols());
    return std::vector<float>(row, row + session.samples().cols());
}

}  // namespace

TEST_CASE("A selected sample is the grid cell bit for bit; SetDigit slerp and raw; its link parses back", "[session][link]") {
    Session session(test_config());
    Driver driver(session, DriverMode::FrameSlices);
    REQUIRE(driver.run(command::Step{5}));
    REQUIRE(driver.run(command::RefreshSamples{}));
    REQUIRE(driver.run(command::SelectSample{13}));
    CHECK(session.digit_pixels() == grid_cell(session, 13));
    CHECK_FALSE(driver.run(command::SelectSample{64}));

    const SessionStatus s = session.status();
    REQUIRE(s.digit.selected);
    REQUIRE(s.digit.share_refusal.empty());
    ShareLink link;
    REQUIRE(link_parse(s.digit.link, &link));
    CHECK(link.steps == 5);
    CHECK(link.data_hash == session.data_hash());
    CHECK(link.weight_hash == generator_weight_hash(session.snapshot()));
    std::vector<float> pixels(784);
    SequentialCache cache;
    link_render_digit(link, session.snapshot(), cache, pixels.data());
    CHECK(pixels == session.digit_pixels());

    // A slerp between two cells, at t = 0, is the first cell's z (in the same batch row).
    LinkZ slerp;
    slerp.kind = LinkZ::Kind::Slerp;
    slerp.seed = slerp.seed2 = 1;
    slerp.index = 13;
    slerp.index2 = 20;
    slerp.t = 0.0f;
    REQUIRE(driver.run(command::SetDigit{slerp, session.digit_bn()}));
    CHECK(session.digit_pixels() == grid_cell(session, 13));
    slerp.t = 0.5f;
    REQUIRE(driver.run(command::SetDigit{slerp, session.digit_bn()}));
    CHECK(session.digit_pixels() != grid_cell(session, 13));
    REQUIRE(link_parse(session.status().digit.link, &link));
    CHECK(link.z.kind == LinkZ::Kind::Slerp);

    LinkZ raw;
    raw.kind = LinkZ::Kind::Raw;
    raw.raw = session.digit_z_values();
    raw.raw[3] += 1.0f;
    REQUIRE(driver.run(command::SetDigit{raw, session.digit_bn()}));
    CHECK(session.digit_z_values() == raw.raw);
    REQUIRE(link_parse(session.status().digit.link, &link));
    link_render_digit(link, session.snapshot(), cache, pixels.data());
    CHECK(pixels == session.digit_pixels());
    raw.raw.pop_back();
    CHECK_FALSE(driver.run(command::SetDigit{raw, session.digit_bn()}));  // a z of another length
}

TEST_CASE("OpenLink on a fresh session rebuilds the model: same weight hash, same pixels", "[session][link]") {
    Session sender(test_config());
    Driver send(sender, DriverMode::FrameSlices);
    REQUIRE(send.run(command::Step{30}));
    REQUIRE(send.run(command::RefreshSamples{}));
    REQUIRE(send.run(command::SelectSample{7}));
    const std::string link = sender.status().digit.link;
    REQUIRE_FALSE(link.empty());
    const std::string grid = sender.grid_link();
    REQUIRE_FALSE(grid.empty());

    std::vector<DriverMode> modes = {DriverMode::FrameSlices};
    if (TrainerThread::available()) modes.push_back(DriverMode::TrainerThread);
    for (DriverMode mode : modes) {
        Session receiver(test_config(9));  // another seed: the link brings its own recipe
        Driver driver(receiver, mode);
        REQUIRE(driver.run(command::Step{2}));
        REQUIRE(driver.run(command::OpenLink{"https://example.org/ganvas.html#" + link}));
        CHECK(receiver.status().rebuild.active);
        CHECK(receiver.status().rebuild.target == 30);
        CHECK(receiver.status().digit.link_state == "rebuilding");
        frames_until_rebuilt(driver, receiver);
        const SessionStatus s = receiver.status();
        CHECK(s.step == 30);
        CHECK_FALSE(s.running);
        CHECK(s.digit.link_state == "shown");
        CHECK(generator_weight_hash(receiver.snapshot()) == generator_weight_hash(sender.snapshot()));
        CHECK(receiver.digit_pixels() == sender.digit_pixels());
        CHECK(s.digit.link == link);  // the receiver's digit links back to the same digit
        // Opened again: the model is the link's, shown at once.
        REQUIRE(driver.run(command::OpenLink{grid}));
        CHECK_FALSE(receiver.rebuilding());
        CHECK(receiver.status().digit.link_state == "shown");
    }
}

TEST_CASE("A rebuild is cancelled by Reset and says so", "[session][link]") {
    Session sender(test_config());
    Driver send(sender, DriverMode::FrameSlices);
    REQUIRE(send.run(command::Step{3}));
    REQUIRE(send.run(command::SelectSample{0}));
    Session receiver(test_config());
    Driver driver(receiver, DriverMode::FrameSlices);
    REQUIRE(driver.run(command::OpenLink{sender.status().digit.link}));
    REQUIRE(receiver.rebuilding());
    REQUIRE(driver.run(command::Reset{}));
    CHECK_FALSE(receiver.rebuilding());
    CHECK(receiver.status().digit.link_message.find("cancelled by Reset") != std::string::npos);
}

TEST_CASE("A malformed link or one of other data is refused and the run stays", "[session][link]") {
    Session sender(test_config());
    Driver send(sender, DriverMode::FrameSlices);
    REQUIRE(send.run(command::Step{2}));
    REQUIRE(send.run(command::SelectSample{1}));
    const std::string good = sender.status().digit.link;

    Session session(test_config());
    Driver driver(session, DriverMode::FrameSlices);
    REQUIRE(driver.run(command::Step{4}));
    const std::string before = checkpoint_of(driver, session);
    CHECK_FALSE(driver.run(command::OpenLink{good.substr(0, good.size() / 2)}));
    SessionStatus s = session.status();
    CHECK(s.digit.link_state == "refused");
    CHECK(s.digit.link_message.rfind("Cannot open the link: ", 0) == 0);
    CHECK(s.message_is_error);
    CHECK(s.step == 4);
    CHECK(checkpoint_of(driver, session) == before);

    ShareLink other;
    REQUIRE(link_parse(good, &other));
    other.data_hash ^= 1;
    CHECK_FALSE(driver.run(command::OpenLink{link_to_fragment(other)}));
    s = session.status();
    CHECK(s.digit.link_state == "refused");
    CHECK(s.digit.link_message.find("trained on other data (hash " + hash_hex(other.data_hash) + ")") != std::string::npos);
    CHECK(s.step == 4);
    CHECK(checkpoint_of(driver, session) == before);
}

TEST_CASE("Share is refused with the reason for a checkpoint without a recipe", "[session][link]") {
    Gan gan(seed_config(), 1);
    gan.train_step(mnist());
    std::vector<uint8_t> bytes = checkpoint_serialize(gan);
    const std::vector<uint8_t> foreign = without_metadata_key(bytes, "recipe");
    bool has_recipe = true;
    std::unique_ptr<Gan> loaded;
    REQUIRE(checkpoint_load_new(foreign.data(), foreign.size(), &loaded, nullptr, &has_recipe));
    CHECK_FALSE(has_recipe);

    Session session(test_config());
    Driver driver(session, DriverMode::FrameSlices);
    REQUIRE(driver.run(command::LoadCheckpoint{foreign}));
    REQUIRE(driver.run(command::SelectSample{2}));
    const SessionStatus s = session.status();
    CHECK(s.digit.link.empty());
    CHECK(s.digit.share_refusal.find("without a Ganvas recipe") != std::string::npos);
    CHECK(session.grid_link().empty());
    REQUIRE(driver.run(command::LoadCheckpoint{bytes}));  // Ganvas's own: shareable
    REQUIRE(driver.run(command::SelectSample{2}));
    CHECK_FALSE(session.status().digit.link.empty());
}

TEST_CASE("A generator file is explored, never trained; its links show at once", "[session][link]") {
    Gan gan(seed_config(), 3);
    for (int i = 0; i < 4; ++i) gan.train_step(mnist());
    const std::vector<uint8_t> file = generator_file_serialize(gan, dataset_content_hash(mnist()));

    Session session(test_config());
    Driver driver(session, DriverMode::FrameSlices);
    REQUIRE(driver.run(command::Step{2}));
    REQUIRE(driver.run(command::LoadGenerator{file}));
    SessionStatus s = session.status();
    CHECK(s.explore_only);
    CHECK(s.step == 4);
    CHECK(generator_weight_hash(session.snapshot()) == generator_weight_hash(gan.sample_generator()));
    // Start and Step are refused with the reason; nothing trains.
    const Status start = driver.run(command::Start{});
    CHECK_FALSE(start.ok);
    CHECK(start.message == kExploreOnlyRefusal);
    CHECK_FALSE(driver.run(command::Step{1}));
    for (int i = 0; i < 5; ++i) driver.frame();
    CHECK(session.step() == 4);
    CHECK_FALSE(session.status().running);

    // Its digits are shareable (the file carries its recipe), and a link to them is shown at
    // once, with no rebuild: the explored model is the link's.
    REQUIRE(driver.run(command::SelectSample{11}));
    const std::string link = session.status().digit.link;
    REQUIRE_FALSE(link.empty());
    const std::vector<float> pixels = session.digit_pixels();
    REQUIRE(driver.run(command::SelectSample{0}));
    REQUIRE(driver.run(command::OpenLink{link}));
    CHECK_FALSE(session.rebuilding());
    s = session.status();
    CHECK(s.digit.link_state == "shown");
    CHECK(session.digit_pixels() == pixels);

    // A corrupt generator file keeps the explored model.
    std::vector<uint8_t> corrupt(file.begin(), file.begin() + long(file.size() / 3));
    CHECK_FALSE(driver.run(command::LoadGenerator{corrupt}));
    CHECK(session.status().explore_only);
    CHECK(generator_weight_hash(session.snapshot()) == generator_weight_hash(gan.sample_generator()));
    // Reset leaves it for a run of one's own.
    REQUIRE(driver.run(command::Reset{}));
    CHECK_FALSE(session.status().explore_only);
    REQUIRE(driver.run(command::Step{1}));
    CHECK(session.step() == 1);
}
