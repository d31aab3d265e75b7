// test_kept_run.cpp - what the page keeps in IndexedDB so a closed tab loses nothing
// (web/kept_run.js): the loss history as JSON (TrainingHistory::to_json / from_json, shell/
// session.h) round-trips exactly and refuses what is malformed without changing anything, and a
// checkpoint loaded with its history continues bit for bit like the run that never stopped.
// The browser side (IndexedDB, the Resume window, a closed and reopened page) is
// web/tests/kept_run_browser.mjs.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "base/hash.h"
#include "driver.h"
#include "io/checkpoint.h"
#include "session.h"
#include "session_support.h"

using namespace ganvas;

namespace {

SessionConfig test_config(uint64_t seed = 1) { return ganvas_test::session_test_config(seed); }

StepStats stats_of(int i) {
    StepStats s;
    s.d_loss = 0.1f * float(i) + 1.0f / 3.0f;  // values that need all 24 bits
    s.g_loss = std::sqrt(float(i) + 0.5f);
    s.d_real = 1.0f / float(i + 7);
    s.d_fake = i == 5 ? std::numeric_limits<float>::infinity() : 0.25f;  // a diverged step
    return s;
}

bool same_floats(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
    return true;
}

}  // namespace

TEST_CASE("The history round-trips through JSON exactly, and goes on averaging as it would have", "[kept_run]") {
    TrainingHistory h(8), copy(8);
    for (int i = 0; i < 21; ++i) h.add(stats_of(i));  // stride 4, one step pending
    REQUIRE(h.steps_per_point() == 4);
    const std::string text = h.to_json(21);
    REQUIRE(copy.from_json(text, 21));
    CHECK(copy.to_json(21) == text);
    CHECK(copy.steps_per_point() == 4);
    CHECK(same_floats(copy.d_loss(), h.d_loss()));
    CHECK(same_floats(copy.g_loss(), h.g_loss()));
    CHECK(same_floats(copy.d_real(), h.d_real()));
    CHECK(same_floats(copy.d_fake(), h.d_fake()));
    CHECK(std::isinf(copy.d_fake()[1]));  // the point holding step 5's infinity: "inf" in JSON
    // The pending sums came back bit for bit: the next points are the same.
    for (int i = 21; i < 40; ++i) {
        h.add(stats_of(i));
        copy.add(stats_of(i));
    }
    CHECK(copy.to_json(40) == h.to_json(40));
}

TEST_CASE("A malformed or foreign history is refused with the reason, and the history stays", "[kept_run]") {
    TrainingHistory h(8);
    for (int i = 0; i < 3; ++i) h.add(stats_of(i));
    const std::string good = h.to_json(3);
    TrainingHistory target(8);
    for (int i = 0; i < 5; ++i) target.add(stats_of(100 + i));
    const std::string before = target.to_json(5);
    auto replaced = [&](const std::string& from, const std::string& to) {
        std::string t = good;
        const size_t at = t.find(from);
        REQUIRE(at != std::string::npos);
        return t.replace(at, from.size(), to);
    };
    const struct {
        std::string text;
        int64_t step;
        const char* why;
    } bad[] = {
        {good, 4, "of step 3, the model of step 4"},
        {"", 3, "history"},
        {"[1,2]", 3, "not a JSON object"},
        {good.substr(0, good.size() / 2), 3, "history"},
        {replaced("ganvas-history", "ganvas-recipe"), 3, "not a Ganvas history"},
        {replaced("\"version\":1", "\"version\":2"), 3, "newer"},
        {replaced("\"capacity\":8", "\"capacity\":16"), 3, "keeps 16 points"},
        {replaced("\"stride\":1", "\"stride\":3"), 3, "not a power of 2"},
        {replaced("\"pending\":0", "\"pending\":1"), 3, "\"pending\""},
        {replaced("\"sums\":[\"", "\"sums\":[\"zz"), 3, "16 hex digits"},
        {replaced("\"d_loss\":[", "\"d_loss\":[1,"), 3, "different lengths"},
        {replaced("\"g_loss\":[", "\"g_loss\":[\"x\","), 3, "other than numbers"},
        {replaced("\"format\"", "\"format\":\"x\",\"format\""), 3, "history"},  // duplicate key
    };
    for (const auto& b : bad) {
        INFO(b.text.substr(0, 120));
        const Status s = target.from_json(b.text, b.step);
        REQUIRE_FALSE(s);
        CHECK_THAT(s.message, Catch::Contains(b.why));
        CHECK(target.to_json(5) == before);
    }
}

TEST_CASE("A checkpoint loaded with its history resumes bit for bit, curves included", "[kept_run]") {
    // The run that never stopped: 30 steps, then 10 more.
    Session a(test_config());
    Driver da(a);
    REQUIRE(da.run(command::Step{30}));
    REQUIRE(da.run(command::SaveCheckpoint{}));
    const std::vector<uint8_t> kept = a.saved_checkpoint();
    const std::string history = a.history().to_json(a.step());
    REQUIRE(da.run(command::Step{10}));
    REQUIRE(da.run(command::SaveCheckpoint{}));
    const std::vector<uint8_t> never_stopped = a.saved_checkpoint();

    // The reopened tab: a fresh session (at step 0) loads what was kept and goes on.
    Session b(test_config());
    Driver db(b);
    REQUIRE(db.run(command::LoadCheckpoint{kept, history}));
    CHECK(b.step() == 30);
    CHECK(b.status().message == "Resumed at step 30 with its loss history");
    CHECK(b.history().to_json(30) == history);
    REQUIRE(db.run(command::Step{10}));
    REQUIRE(db.run(command::SaveCheckpoint{}));
    CHECK(content_hash_hex(b.saved_checkpoint().data(), b.saved_checkpoint().size()) ==
          content_hash_hex(never_stopped.data(), never_stopped.size()));
    CHECK(b.history().to_json(40) == a.history().to_json(40));

    // A history that does not fit still loads the model (it is what matters) and says so.
    Session c(test_config());
    Driver dc(c);
    REQUIRE(dc.run(command::LoadCheckpoint{kept, "{\"format\":1}"}));
    CHECK(c.step() == 30);
    CHECK(c.status().message_is_error);
    CHECK_THAT(c.status().message, Catch::StartsWith("Resumed at step 30, without the loss history"));
    CHECK(c.history().d_loss().empty());
}
