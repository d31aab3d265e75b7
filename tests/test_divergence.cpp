// test_divergence.cpp - a run driven to divergence (an absurd learning rate set live through the
// settings table) pauses and rolls back (shell/session.h, "Divergence"): the model is the last good
// snapshot bit for bit (the checkpoint saved there), the loss history is the one of that step, the
// recipe drops the change that blew it up, the status line and the diagnosis say what happened and
// offer the remedy, and training on after the rollback is what a run that never diverged trains.
// With Step on the applying thread, in frame slices and on the trainer thread (natively).
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <thread>

#include "base/hash.h"
#include "base/parallel.h"
#include "diagnosis.h"
#include "driver.h"
#include "gan/recipe.h"
#include "gan/snapshot.h"
#include "io/checkpoint.h"
#include "io/link.h"  // dataset_content_hash
#include "session.h"
#include "test_support.h"

using namespace ganvas;
using ganvas_test::mnist;
using ganvas_test::seed_config;

namespace {

SessionConfig test_config() {
    SessionConfig c;
    c.images_path = GANVAS_TEST_MNIST_IMAGES;
    c.labels_path = GANVAS_TEST_MNIST_LABELS;
    c.seed = 1;
    c.threads = 1;
    return c;
}

std::string hash_of(const std::vector<uint8_t>& bytes) { return content_hash_hex(bytes.data(), bytes.size()); }

std::string checkpoint_of(Driver& driver, const Session& session) {
    REQUIRE(driver.run(command::SaveCheckpoint{}));
    return hash_of(session.saved_checkpoint());
}

// The figures of the session at a good step, to compare after the rollback.
struct Kept {
    int64_t step = 0;
    std::string checkpoint, recipe;
    std::vector<float> d_loss, g_loss;
};
Kept keep(Driver& driver, const Session& session) {
    Kept k;
    k.step = session.step();
    k.checkpoint = checkpoint_of(driver, session);
    k.recipe = recipe_to_json(const_cast<Session&>(session).model()->recipe());
    k.d_loss = session.history().d_loss();
    k.g_loss = session.history().g_loss();
    return k;
}

// The absurd learning rates (the table's upper limit), set live.
void blow_up(Driver& driver) {
    REQUIRE(driver.run(command::ChangeSetting{"adam_d.lr", "1"}));
    REQUIRE(driver.run(command::ChangeSetting{"adam_g.lr", "1"}));
}

void check_rolled_back(Driver& driver, Session& session, const Kept& kept) {
    const SessionStatus s = session.status();
    CHECK_FALSE(s.running);
    CHECK(s.rollback.count == 1);
    CHECK(s.rollback.diverged_step > kept.step);
    CHECK(s.rollback.restored_step == kept.step);
    CHECK(s.step == kept.step);
    CHECK(s.error.empty());  // the run is fine again: a message, not an error that blocks
    CHECK(s.message_is_error);
    CHECK(s.message.find("Training diverged at step " + std::to_string(s.rollback.diverged_step)) == 0);
    CHECK(s.message.find("Rolled back to step " + std::to_string(kept.step)) != std::string::npos);
    CHECK(s.message.find("lower learning rates") != std::string::npos);
    CHECK(s.rollback.undone == "adam_d.lr=1.0, adam_g.lr=1.0");  // what blew it up, named
    CHECK(s.message.find("undone: adam_d.lr=1.0, adam_g.lr=1.0") != std::string::npos);
    INFO("reason: " << s.rollback.reason);
    CHECK(!s.rollback.reason.empty());
    // Bit for bit the snapshot, which is the state the checkpoint was saved of.
    REQUIRE(session.model() != nullptr);
    CHECK(gan_snapshot_matches(session.last_good_snapshot(), *session.model()));
    CHECK(session.last_good_snapshot().step == kept.step);
    CHECK(recipe_to_json(session.model()->recipe()) == kept.recipe);  // the absurd rates are undone
    CHECK(session.model()->config().adam_d.lr == seed_config().adam_d.lr);
    CHECK(session.history().d_loss() == kept.d_loss);  // the history of that step, intact
    CHECK(session.history().g_loss() == kept.g_loss);
    CHECK(session.history().d_loss().size() == size_t(kept.step));
    CHECK(checkpoint_of(driver, session) == kept.checkpoint);
}

std::string plain_checkpoint(int64_t steps) {
    Gan gan(seed_config(), 1);
    gan.set_data_hash(dataset_content_hash(mnist()));  // as the session's fresh model does
    for (int64_t i = 0; i < steps; ++i) gan.train_step(mnist());
    return hash_of(checkpoint_serialize(gan));
}

void frames_while_running(Driver& driver, const Session& session) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (session.running()) {
        driver.frame();
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

// 12 steps, the absurd rates, Start, frames until it pauses itself: rolled back to step 12.
Kept diverge_while_running(Driver& driver, Session& session) {
    REQUIRE(driver.run(command::Step{12}));
    const Kept kept = keep(driver, session);
    blow_up(driver);
    REQUIRE(driver.run(command::Start{}));
    frames_while_running(driver, session);
    check_rolled_back(driver, session, kept);
    return kept;
}

}  // namespace

TEST_CASE("An absurd learning rate diverges; Step pauses, rolls back to the snapshot and says so", "[divergence]") {
    Session session(test_config());
    REQUIRE(session.ready());
    Driver driver(session, DriverMode::FrameSlices);
    REQUIRE(driver.run(command::Step{30}));
    const Kept kept = keep(driver, session);
    blow_up(driver);  // a snapshot is taken just before the change
    const Status stepped = driver.run(command::Step{5000});
    REQUIRE_FALSE(stepped);
    CHECK(stepped.message.find("Training diverged") == 0);
    check_rolled_back(driver, session, kept);

    // The diagnosis says so, with the remedy (the Diverging alert), and drops nothing before it.
    Diagnosis diagnosis;
    REQUIRE(diagnosis.update(session, session.status(), 0.0));
    REQUIRE(diagnosis.alerts().size() == 1);
    const DiagnosisAlert& alert = diagnosis.alerts()[0];
    CHECK(alert.kind == AlertKind::Diverging);
    CHECK(alert.text.find("rolled back to step 30") != std::string::npos);
    CHECK(alert.remedy == "adam_d.lr=0.0001 adam_g.lr=0.0001");

    // Training on (with the remedy, or as the recipe is) is what a run that never diverged does.
    REQUIRE(driver.run(command::Step{4}));
    CHECK(checkpoint_of(driver, session) == plain_checkpoint(34));
    for (SessionCommand& c : diagnosis_remedy_commands(alert.remedy)) REQUIRE(driver.run(std::move(c)));
    REQUIRE(driver.run(command::Step{3}));
    CHECK(session.step() == 37);
    CHECK(session.status().rollback.count == 1);
}

TEST_CASE("In frame slices a diverged run rolls back to the last good snapshot", "[divergence][driver]") {
    Session session(test_config());
    Driver driver(session, DriverMode::FrameSlices);
    const Kept kept = diverge_while_running(driver, session);
    // Lower rates, then Start: it trains on from the snapshot, no second rollback.
    REQUIRE(driver.run(command::ChangeSetting{"adam_d.lr", "0.0001"}));
    REQUIRE(driver.run(command::ChangeSetting{"adam_g.lr", "0.0001"}));
    REQUIRE(driver.run(command::Start{}));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (session.step() < kept.step + 10) {
        driver.frame();
        REQUIRE(session.running());
        REQUIRE(std::chrono::steady_clock::now() < deadline);
    }
    REQUIRE(driver.run(command::Pause{}));
    CHECK(session.status().rollback.count == 1);
    CHECK(session.history().d_loss().size() == size_t(session.step()));
    CHECK(std::isfinite(session.status().last.d_loss));
}

TEST_CASE("On the trainer thread a diverged run rolls back to the last good snapshot", "[divergence][driver]") {
    if (!TrainerThread::available()) {
        WARN("no threads in this build: only the frame slices run");
        return;
    }
    Session session(test_config());
    Driver driver(session, DriverMode::TrainerThread);
    diverge_while_running(driver, session);
    REQUIRE(driver.run(command::Step{2}));  // it trains on from there
    CHECK(checkpoint_of(driver, session) == plain_checkpoint(14));
    set_threads(1);
}

TEST_CASE("Snapshots are taken while training when asked, at least kSnapshotIntervalSteps apart", "[divergence]") {
    Session session(test_config());
    Driver driver(session, DriverMode::FrameSlices);
    REQUIRE(driver.run(command::Step{3}));
    CHECK(session.last_good_snapshot().step == 0);  // taken at Reset
    session.want_state_snapshot();                   // as the Driver asks with the grid refresh
    REQUIRE(driver.run(command::Step{kSnapshotIntervalSteps}));
    CHECK(session.last_good_snapshot().step == kSnapshotIntervalSteps);  // not before: at least that many steps apart
    CHECK(session.last_good_history().d_loss().size() == size_t(kSnapshotIntervalSteps));
    CHECK_FALSE(session.state_snapshot_wanted());
    CHECK(session.status().rollback.snapshot_step == kSnapshotIntervalSteps);
}
