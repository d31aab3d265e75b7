// test_snapshot.cpp - in-memory training snapshots (core/gan/snapshot.h): a restored snapshot is
// the state it was taken of, bit for bit, and training on from it gives the bits training on from
// the moment it was taken gave (weights, Adam, streams, the sampler, the recipe); a change recorded
// after it is undone; diverged weights are refused; what "diverged" means for a step's losses.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <limits>

#include "base/hash.h"
#include "gan/gan.h"
#include "gan/recipe.h"
#include "gan/snapshot.h"
#include "io/checkpoint.h"
#include "test_support.h"

using namespace ganvas;
using ganvas_test::mnist;
using ganvas_test::seed_config;

namespace {
std::string checkpoint_hash(const Gan& gan) {
    const std::vector<uint8_t> bytes = checkpoint_serialize(gan);
    return content_hash_hex(bytes.data(), bytes.size());
}
GanConfig small_config() {
    GanConfig c = seed_config();
    c.batch_size = 16;  // quick
    return c;
}
}  // namespace

TEST_CASE("A restored snapshot continues exactly as the run it was taken of", "[snapshot]") {
    Gan gan(small_config(), 7);
    for (int i = 0; i < 5; ++i) gan.train_step(mnist());
    GanSnapshot snap;
    REQUIRE(gan_snapshot_take(gan, &snap) == Divergence::None);
    CHECK(snap.step == 5);
    CHECK(gan_snapshot_matches(snap, gan));
    const std::string at_snapshot = checkpoint_hash(gan);

    // The run goes on, with a change recorded after the snapshot, and ends mid-iteration.
    for (int i = 0; i < 3; ++i) gan.train_step(mnist());
    REQUIRE(gan.change_setting("adam_g.lr", "0.001"));
    gan.train_step(mnist());
    StepStats unused;
    gan.train_part(mnist(), &unused);
    REQUIRE(gan.mid_iteration());
    CHECK_FALSE(gan_snapshot_matches(snap, gan));

    REQUIRE(gan_snapshot_restore(snap, &gan));
    CHECK(gan_snapshot_matches(snap, gan));  // bit for bit: weights, statistics, Adam, streams, step, recipe
    CHECK_FALSE(gan.mid_iteration());
    CHECK(gan.step() == 5);
    CHECK(checkpoint_hash(gan) == at_snapshot);
    CHECK(gan.recipe().timeline.empty());  // the change made after the snapshot is undone
    CHECK(gan.config().adam_g.lr == small_config().adam_g.lr);

    // Training on from the snapshot gives what a run that never went past step 5 gives.
    Gan straight(small_config(), 7);
    for (int i = 0; i < 9; ++i) straight.train_step(mnist());
    for (int i = 0; i < 4; ++i) gan.train_step(mnist());
    CHECK(checkpoint_hash(gan) == checkpoint_hash(straight));
}

TEST_CASE("A snapshot of another model is refused and changes nothing", "[snapshot]") {
    Gan a(small_config(), 7), other_seed(small_config(), 8);
    GanSnapshot snap;
    REQUIRE(gan_snapshot_take(a, &snap) == Divergence::None);
    other_seed.train_step(mnist());
    const std::string before = checkpoint_hash(other_seed);
    CHECK_FALSE(gan_snapshot_restore(snap, &other_seed));
    CHECK(checkpoint_hash(other_seed) == before);
    CHECK_FALSE(gan_snapshot_restore(GanSnapshot{}, &a));  // an empty one
}

TEST_CASE("Diverged weights are refused as a snapshot, with the reason", "[snapshot]") {
    Gan gan(small_config(), 7);
    gan.train_step(mnist());
    GanSnapshot snap;
    std::string why;
    gan.discriminator().params[10] = std::numeric_limits<float>::quiet_NaN();
    CHECK(gan_snapshot_take(gan, &snap, &why) == Divergence::NotFinite);
    CHECK(snap.empty());
    CHECK(why == "D's weights are not finite");
    gan.discriminator().params[10] = 0;
    gan.generator().params[3] = 2 * kExplodingWeight;
    CHECK(gan_snapshot_take(gan, &snap, &why) == Divergence::Exploding);
    CHECK(why == "G's weights passed 1e+03");
    gan.generator().params[3] = -std::numeric_limits<float>::infinity();
    CHECK(gan_snapshot_take(gan, &snap, &why) == Divergence::NotFinite);
    gan.generator().params[3] = 0.5f * kExplodingWeight;  // large, but not past the limit
    CHECK(gan_snapshot_take(gan, &snap, &why) == Divergence::None);
    CHECK_FALSE(snap.empty());
}

TEST_CASE("A step diverges when a loss is not finite or past kExplodingLoss", "[snapshot]") {
    StepStats s;
    s.d_loss = 1.3f;
    s.g_loss = 0.7f;
    CHECK(step_divergence(s) == Divergence::None);
    s.g_loss = -0.99f * kExplodingLoss;  // WGAN losses may be negative: the magnitude counts
    CHECK(step_divergence(s) == Divergence::None);
    s.g_loss = -1.01f * kExplodingLoss;
    CHECK(step_divergence(s) == Divergence::Exploding);
    CHECK(step_divergence_text(s) == "the G loss reached -1.01e+04 (past 1e+04)");
    s.d_loss = std::numeric_limits<float>::quiet_NaN();
    CHECK(step_divergence(s) == Divergence::NotFinite);
    CHECK(step_divergence_text(s) == "the D loss is not finite");
    s.d_loss = 1;
    s.g_loss = std::numeric_limits<float>::infinity();
    CHECK(step_divergence(s) == Divergence::NotFinite);
}

// Not run by default (timings on a shared machine): `test_snapshot "[.cost]" -s` prints what one
// snapshot costs against one seed step, and the share of training time it takes when one is taken
// every kSnapshotIntervalSteps (shell/session.h) steps, the fewest steps apart the session allows.
TEST_CASE("What a snapshot costs against a seed step", "[.cost]") {
    Gan gan(seed_config(), 1);
    for (int i = 0; i < 3; ++i) gan.train_step(mnist());  // warm: no more allocation
    GanSnapshot snap;
    REQUIRE(gan_snapshot_take(gan, &snap) == Divergence::None);
    const auto now = [] { return std::chrono::steady_clock::now(); };
    const int steps = 20, snapshots = 200;
    auto t0 = now();
    for (int i = 0; i < steps; ++i) gan.train_step(mnist());
    const double step_ms = std::chrono::duration<double, std::milli>(now() - t0).count() / steps;
    t0 = now();
    for (int i = 0; i < snapshots; ++i) REQUIRE(gan_snapshot_take(gan, &snap) == Divergence::None);
    const double snapshot_ms = std::chrono::duration<double, std::milli>(now() - t0).count() / snapshots;
    const double share = snapshot_ms / (100.0 * step_ms) * 100;  // one per 100 steps
    WARN("seed step " << step_ms << " ms; snapshot " << snapshot_ms << " ms (" << snapshot_ms / step_ms * 100
                      << " % of a step); one every 100 steps: " << share << " % of training time");
    CHECK(snapshot_ms > 0);
}

TEST_CASE("Snapshots keep the EMA of G, the lone updates and the D remedies' state", "[snapshot][ema]") {
    GanConfig c = small_config();
    c.ema_decay = 0.99f;
    c.spectral_norm = true;  // D's weight_u / weight_v: buffers, moved by every training forward
    c.instance_noise = 0.1f;
    Gan gan(c, 3);
    for (int i = 0; i < 4; ++i) gan.train_step(mnist());
    StepStats lone;
    REQUIRE(gan.train_alone('d', mnist(), &lone));
    GanSnapshot snap;
    REQUIRE(gan_snapshot_take(gan, &snap) == Divergence::None);
    REQUIRE(gan.generator_ema() != nullptr);
    CHECK(snap.ema_params.size() == gan.generator_ema()->params.size());
    const std::string at_snapshot = checkpoint_hash(gan);  // holds generator_ema.* and trainer.ema_updates
    for (int i = 0; i < 3; ++i) gan.train_step(mnist());
    REQUIRE(gan.train_alone('g', mnist(), &lone));
    const std::string later = checkpoint_hash(gan);
    REQUIRE(gan_snapshot_restore(snap, &gan));
    CHECK(gan_snapshot_matches(snap, gan));
    CHECK(checkpoint_hash(gan) == at_snapshot);
    CHECK(gan.lone_updates('d') == 1);
    CHECK(gan.lone_updates('g') == 0);  // the G update after the snapshot is undone with its recipe entry
    for (int i = 0; i < 3; ++i) gan.train_step(mnist());
    REQUIRE(gan.train_alone('g', mnist(), &lone));
    CHECK(checkpoint_hash(gan) == later);  // the same road again, bit for bit
}
