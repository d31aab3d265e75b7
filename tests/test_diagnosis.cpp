// test_diagnosis.cpp - the live diagnosis (shell/diagnosis.h): the alerts from synthetic
// histories (mode collapse, D winning, diverging; their "since" step and remedies), a session's
// snapshot scored into points (10 bins of 1,000 samples, a finite FD), and command::ChangeSetting
// (a live setting recorded in the recipe; a reset-only one refused with the reason).
#include <catch2/catch.hpp>

#include <cmath>

#include "base/file_io.h"
#include "diagnosis.h"
#include "gan/settings.h"
#include "session.h"
#include "session_support.h"

using namespace ganvas;

namespace {

DiagnosisPoint point(int64_t step, std::array<int, 10> histogram, float d_fake = 0.3f) {
    DiagnosisPoint p;
    p.step = step;
    p.scored = true;
    p.histogram = histogram;
    int total = 0;
    for (int v : histogram) total += v;
    for (int v : histogram) p.modes += v >= 0.025 * total ? 1 : 0;
    p.fd = 10;
    p.d_real = 0.6f;
    p.d_fake = d_fake;
    p.d_loss = 1.2f;
    p.g_loss = 0.9f;
    return p;
}

const std::array<int, 10> kEven = {100, 100, 100, 100, 100, 100, 100, 100, 100, 100};
const std::array<int, 10> kThree = {0, 500, 0, 0, 300, 0, 0, 130, 70, 0};  // 3 digits make 93 %
const std::array<int, 10> kFive = {0, 300, 0, 0, 300, 0, 0, 130, 200, 70};

const DiagnosisAlert* find(const std::vector<DiagnosisAlert>& alerts, AlertKind kind) {
    for (const DiagnosisAlert& a : alerts)
        if (a.kind == kind) return &a;
    return nullptr;
}

SessionConfig test_config(uint64_t seed = 1) { return ganvas_test::session_test_config(seed); }

}  // namespace

TEST_CASE("diagnosis: a healthy history raises no alert", "[diagnosis]") {
    const std::vector<DiagnosisPoint> points = {point(200, kEven), point(400, kEven), point(600, kEven)};
    CHECK(diagnosis_alerts(points, GanConfig{}).empty());
    CHECK(diagnosis_alerts({}, GanConfig{}).empty());
}

TEST_CASE("diagnosis: mode collapse needs two points in a row and names its start", "[diagnosis]") {
    std::vector<DiagnosisPoint> points = {point(200, kEven), point(4200, kThree)};
    CHECK(find(diagnosis_alerts(points, GanConfig{}), AlertKind::ModeCollapse) == nullptr);  // one point is noise
    points.push_back(point(4400, kThree));
    points.push_back(point(4600, kThree));
    const std::vector<DiagnosisAlert> alerts = diagnosis_alerts(points, GanConfig{});
    const DiagnosisAlert* a = find(alerts, AlertKind::ModeCollapse);
    REQUIRE(a != nullptr);
    CHECK(a->since_step == 4200);
    CHECK(a->text == "mode collapse: 3 digits make 93 % of the samples since step 4,200");
    // The remedy is a change of live settings this build has (the seed's config: bce).
    REQUIRE_FALSE(a->remedy.empty());
    for (const auto& [key, value] : diagnosis_remedy_changes(a->remedy)) {
        const Setting* s = settings_find(key);
        REQUIRE(s != nullptr);
        CHECK(s->scope == SettingScope::Live);
        GanConfig c;
        CHECK(settings_set_text(&c, key, value));
    }
    // Spread out again: no alert.
    points.push_back(point(4800, kFive));
    CHECK(find(diagnosis_alerts(points, GanConfig{}), AlertKind::ModeCollapse) == nullptr);
}

TEST_CASE("diagnosis: few modes alone is a collapse too", "[diagnosis]") {
    // 2 classes with >= 2.5 %, the other 8 at 2 % each: 5 digits are needed for 90 %.
    const std::array<int, 10> two = {420, 420, 20, 20, 20, 20, 20, 20, 20, 20};
    const std::vector<DiagnosisPoint> points = {point(1000, two), point(1200, two)};
    const std::vector<DiagnosisAlert> alerts = diagnosis_alerts(points, GanConfig{});
    const DiagnosisAlert* a = find(alerts, AlertKind::ModeCollapse);
    REQUIRE(a != nullptr);
    CHECK(a->text == "mode collapse: only 2 digits are drawn in 2.5 % of the samples or more since step 1,000");
}

TEST_CASE("diagnosis: D winning and its remedy that changes something", "[diagnosis]") {
    std::vector<DiagnosisPoint> points = {point(200, kEven), point(400, kEven, 0.01f), point(600, kEven, 0.012f)};
    const std::vector<DiagnosisAlert> alerts = diagnosis_alerts(points, GanConfig{});
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].kind == AlertKind::DWinning);
    CHECK(alerts[0].since_step == 400);
    CHECK(alerts[0].text == "D is winning: D(G(z)) below 0.05 since step 400 (now 0.012), G's gradients are vanishing");
    REQUIRE_FALSE(alerts[0].remedy.empty());
    // Once applied, the same remedy is not offered again: the next one is.
    GanConfig applied;
    for (const auto& [key, value] : diagnosis_remedy_changes(alerts[0].remedy))
        REQUIRE(settings_set_text(&applied, key, value));
    const std::vector<DiagnosisAlert> after = diagnosis_alerts(points, applied);
    REQUIRE(after.size() == 1);
    CHECK(after[0].remedy != alerts[0].remedy);
}

TEST_CASE("diagnosis: diverging when the last losses are not finite", "[diagnosis]") {
    std::vector<DiagnosisPoint> points = {point(200, kEven), point(5400, kEven)};
    points.back().d_loss = NAN;
    points.back().scored = false;
    const std::vector<DiagnosisAlert> alerts = diagnosis_alerts(points, GanConfig{});
    const DiagnosisAlert* a = find(alerts, AlertKind::Diverging);
    REQUIRE(a != nullptr);
    CHECK(a->text == "diverging: the losses are no longer finite (step 5,400)");
    CHECK_FALSE(a->remedy.empty());
}

TEST_CASE("diagnosis: remedy text and thousands", "[diagnosis]") {
    const auto changes = diagnosis_remedy_changes("adam_d.lr=0.0004 adam_g.lr=0.0001  bad =x");
    REQUIRE(changes.size() == 2);
    CHECK(changes[1].first == "adam_g.lr");
    CHECK(changes[1].second == "0.0001");
    CHECK(diagnosis_remedy_commands("d_steps=2").size() == 1);
    CHECK(diagnosis_thousands(0) == "0");
    CHECK(diagnosis_thousands(999) == "999");
    CHECK(diagnosis_thousands(4200) == "4,200");
    CHECK(diagnosis_thousands(1234567) == "1,234,567");
}

TEST_CASE("diagnosis: a session's snapshot scored every 200 steps and a few seconds", "[diagnosis]") {
    Session session(test_config());
    REQUIRE(session.ready());
    Diagnosis diagnosis;
    REQUIRE(session.apply(command::Step{200}));
    REQUIRE(session.apply(command::RefreshSamples{}));
    CHECK_FALSE(diagnosis.update(session, session.status(), 100.0));
    CHECK(diagnosis.wants_classifier());  // due, but no classifier yet
    diagnosis.classifier_requested();
    CHECK_FALSE(diagnosis.wants_classifier());
    std::vector<uint8_t> bytes;
    REQUIRE(file_read_all(GANVAS_TEST_CLASSIFIER, &bytes));
    CHECK_FALSE(diagnosis.load_classifier(bytes.data(), 10));  // a truncated file is refused
    CHECK_FALSE(diagnosis.status_text().empty());
    REQUIRE(diagnosis.load_classifier(bytes.data(), bytes.size()));
    REQUIRE(diagnosis.update(session, session.status(), 100.5));
    REQUIRE(diagnosis.points().size() == 1);
    const DiagnosisPoint& p = diagnosis.points()[0];
    CHECK(p.step == 200);
    int total = 0;
    for (int v : p.histogram) total += v;
    CHECK(total == kDiagnosisSamples);
    CHECK(std::isfinite(p.fd));
    CHECK(p.fd > 0);
    CHECK(p.d_real > 0);
    CHECK(p.d_real < 1);
    CHECK(diagnosis.score_ms() > 0);
    // Not again for the same snapshot, nor 200 steps later within 3 s; then yes.
    CHECK_FALSE(diagnosis.update(session, session.status(), 104.0));
    REQUIRE(session.apply(command::Step{200}));
    REQUIRE(session.apply(command::RefreshSamples{}));
    CHECK_FALSE(diagnosis.update(session, session.status(), 101.0));
    CHECK(diagnosis.update(session, session.status(), 104.0));
    CHECK(diagnosis.points().size() == 2);
    // The same z every time: scoring the same snapshot twice gives the same point.
    Diagnosis again;
    REQUIRE(again.load_classifier(bytes.data(), bytes.size()));
    REQUIRE(again.update(session, session.status(), 0));
    CHECK(again.points()[0].fd == diagnosis.points()[1].fd);
    CHECK(again.points()[0].histogram == diagnosis.points()[1].histogram);
    // A Reset clears the history.
    REQUIRE(session.apply(command::Reset{}));
    again.update(session, session.status(), 10);
    CHECK(again.points().empty());
}

TEST_CASE("session: ChangeSetting applies a live setting and records it; reset-only refused", "[diagnosis]") {
    Session session(test_config());
    REQUIRE(session.ready());
    REQUIRE(session.apply(command::Step{3}));
    REQUIRE(session.apply(command::ChangeSetting{"d_steps", "2"}));
    CHECK(session.live_config().d_steps == 2);
    CHECK(session.status().message.find("d_steps=2") != std::string::npos);
    REQUIRE(session.model()->recipe().timeline.size() == 1);
    CHECK(session.model()->recipe().timeline[0].step == 3);
    CHECK(session.model()->recipe().timeline[0].key == "d_steps");
    const Status refused = session.apply(command::ChangeSetting{"batch_size", "32"});
    CHECK_FALSE(refused);
    CHECK_FALSE(refused.message.empty());
    CHECK(session.status().message_is_error);
    CHECK_FALSE(session.apply(command::ChangeSetting{"no_such_key", "1"}));
    CHECK_FALSE(session.apply(command::ChangeSetting{"adam_g.lr", "-1"}));
    CHECK(session.model()->recipe().timeline.size() == 1);
}
