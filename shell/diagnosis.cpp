// diagnosis.cpp - scoring the snapshot every few seconds, the alerts and their remedies. See diagnosis.h.
#include "diagnosis.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "eval/classifier.h"
#include "eval/score.h"
#include "gan/settings.h"

namespace ganvas {

namespace {

// The remedies, in the order they are offered for each alert: the first one this build's settings
// accept (and that changes the current config) is the alert's button. New remedies are one line.
struct RemedyLine {
    AlertKind kind;
    const char* changes;  // "key=value key=value"
    const char* why;
};
const RemedyLine kDiagnosisRemedies[] = {
    {AlertKind::ModeCollapse, "objective=lsgan", "least squares: G keeps learning from samples D already rejects"},
    {AlertKind::ModeCollapse, "adam_d.lr=0.0004 adam_g.lr=0.0001", "two time-scales (TTUR): a faster D keeps G from settling"},
    {AlertKind::ModeCollapse, "adam_g.lr=0.0001", "a slower G: smaller jumps from one mode to the next"},
    {AlertKind::DWinning, "objective=hinge", "hinge: D's loss saturates once it is sure, G's gradient does not"},
    {AlertKind::DWinning, "adam_d.lr=0.00005", "a slower D: G gets to catch up"},
    {AlertKind::DWinning, "d_steps=1", "one D step per G step"},
    {AlertKind::Diverging, "adam_d.lr=0.0001 adam_g.lr=0.0001", "smaller learning rates, then Start: the run goes on from its last good snapshot"},
    {AlertKind::Diverging, "adam_d.lr=0.00002 adam_g.lr=0.00002", "much smaller learning rates, then Start: the run goes on from its last good snapshot"},
};

// Whether every change is a live setting the config accepts, and at least one changes it.
bool remedy_applies(const std::string& remedy, const GanConfig& config) {
    GanConfig next = config;
    bool changes = false;
    for (const auto& [key, value] : diagnosis_remedy_changes(remedy)) {
        const Setting* s = settings_find(key);
        if (s == nullptr || s->scope != SettingScope::Live) return false;
        const std::string before = settings_get_text(next, *s);
        if (!settings_set_text(&next, key, value)) return false;
        changes = changes || settings_get_text(next, *s) != before;
    }
    return changes;
}

void attach_remedy(const GanConfig& config, DiagnosisAlert* alert) {
    for (const RemedyLine& line : kDiagnosisRemedies)
        if (line.kind == alert->kind && remedy_applies(line.changes, config)) {
            alert->remedy = line.changes;
            alert->remedy_why = line.why;
            return;
        }
}

// The fewest digits that make kCollapseShare of the samples, and their share.
std::pair<int, double> top_classes(const DiagnosisPoint& p) {
    std::array<int, 10> h = p.histogram;
    std::sort(h.begin(), h.end(), [](int a, int b) { return a > b; });
    int total = 0;
    for (int v : h) total += v;
    if (total == 0) return {10, 1.0};
    int sum = 0;
    for (int k = 0; k < 10; ++k) {
        sum += h[size_t(k)];
        if (double(sum) >= kCollapseShare * total) return {k + 1, double(sum) / total};
    }
    return {10, 1.0};
}

bool collapsed(const DiagnosisPoint& p) {
    return p.scored && (p.modes <= kCollapseModes || top_classes(p).first <= kCollapseModes);
}
bool d_winning(const DiagnosisPoint& p) { return std::isfinite(p.d_fake) && p.d_fake < kDWinningFake; }

// The step since which `holds` is true of every point up to the last; -1 unless it holds for
// the last two.
template <typename Pred>
int64_t since(const std::vector<DiagnosisPoint>& points, Pred holds) {
    if (points.size() < 2 || !holds(points.back()) || !holds(points[points.size() - 2])) return -1;
    size_t first = points.size() - 1;
    while (first > 0 && holds(points[first - 1])) --first;
    return points[first].step;
}

}  // namespace

std::string diagnosis_thousands(int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::vector<std::pair<std::string, std::string>> diagnosis_remedy_changes(const std::string& remedy) {
    std::vector<std::pair<std::string, std::string>> changes;
    std::istringstream words(remedy);
    std::string word;
    while (words >> word) {
        const size_t eq = word.find('=');
        if (eq == std::string::npos || eq == 0) continue;
        changes.emplace_back(word.substr(0, eq), word.substr(eq + 1));
    }
    return changes;
}

std::vector<SessionCommand> diagnosis_remedy_commands(const std::string& remedy) {
    std::vector<SessionCommand> commands;
    for (auto& [key, value] : diagnosis_remedy_changes(remedy)) commands.push_back(command::ChangeSetting{key, value});
    return commands;
}

std::vector<DiagnosisAlert> diagnosis_alerts(const std::vector<DiagnosisPoint>& points, const GanConfig& config) {
    std::vector<DiagnosisAlert> alerts;
    if (points.empty()) return alerts;
    const DiagnosisPoint& last = points.back();
    char text[256];
    if (last.rolled_back) {
        DiagnosisAlert a;
        a.kind = AlertKind::Diverging;
        a.since_step = last.diverged_step;
        a.text = "diverging: " + last.divergence + " at step " + diagnosis_thousands(last.diverged_step) +
                 "; rolled back to step " + diagnosis_thousands(last.step);
        alerts.push_back(a);
    } else if (!std::isfinite(last.d_loss) || !std::isfinite(last.g_loss)) {
        DiagnosisAlert a;
        a.kind = AlertKind::Diverging;
        a.since_step = last.step;
        a.text = "diverging: the losses are no longer finite (step " + diagnosis_thousands(last.step) + ")";
        alerts.push_back(a);
    }
    if (const int64_t s = since(points, collapsed); s >= 0) {
        DiagnosisAlert a;
        a.kind = AlertKind::ModeCollapse;
        a.since_step = s;
        const auto [k, share] = top_classes(last);
        if (k <= kCollapseModes)
            std::snprintf(text, sizeof text, "mode collapse: %d digit%s make%s %d %% of the samples since step %s", k,
                          k == 1 ? "" : "s", k == 1 ? "s" : "", int(std::floor(share * 100)),
                          diagnosis_thousands(s).c_str());
        else
            std::snprintf(text, sizeof text, "mode collapse: only %d digit%s drawn in 2.5 %% of the samples or more since step %s",
                          last.modes, last.modes == 1 ? " is" : "s are", diagnosis_thousands(s).c_str());
        a.text = text;
        alerts.push_back(a);
    }
    if (const int64_t s = since(points, d_winning); s >= 0) {
        DiagnosisAlert a;
        a.kind = AlertKind::DWinning;
        a.since_step = s;
        std::snprintf(text, sizeof text,
                      "D is winning: D(G(z)) below %.2f since step %s (now %.3f), G's gradients are vanishing",
                      kDWinningFake, diagnosis_thousands(s).c_str(), double(last.d_fake));
        a.text = text;
        alerts.push_back(a);
    }
    for (DiagnosisAlert& a : alerts) attach_remedy(config, &a);
    return alerts;
}

// [SECTION] Diagnosis

Diagnosis::Diagnosis() = default;
Diagnosis::~Diagnosis() = default;

Status Diagnosis::load_classifier(const uint8_t* bytes, size_t size) {
    auto classifier = std::make_unique<Classifier>();
    Status loaded = classifier_load(bytes, size, classifier.get());
    if (!loaded) {
        classifier_failed(loaded.message);
        return loaded;
    }
    scorer_.reset();
    classifier_ = std::move(classifier);
    scorer_ = std::make_unique<Scorer>(*classifier_);
    classifier_error_.clear();
    status_text_ = points_.empty() ? "Classifier loaded: the first point comes with the next samples." : "";
    return Status::success();
}

void Diagnosis::classifier_failed(const std::string& why) {
    classifier_error_ = why;
    status_text_ = "No classifier, no diagnosis: " + why;
}

bool Diagnosis::update(const Session& session, const SessionStatus& status, double now_seconds) {
    if (session.model_version() != model_version_) {  // a new model: a new history
        model_version_ = session.model_version();
        points_.clear();
        alerts_.clear();
        if (classifier_error_.empty()) status_text_ = "Waiting for training.";
    }
    if (status.rollback.count != rollbacks_seen_) {  // the session rolled back a diverged run
        rollbacks_seen_ = status.rollback.count;
        // The points past the restored step are of weights that are gone; the rollback is the last.
        while (!points_.empty() && points_.back().step >= status.rollback.restored_step) points_.pop_back();
        DiagnosisPoint p;
        p.step = status.rollback.restored_step;
        p.rolled_back = true;
        p.diverged_step = status.rollback.diverged_step;
        p.divergence = status.rollback.reason;
        p.d_loss = status.last.d_loss;  // the snapshot's, finite
        p.g_loss = status.last.g_loss;
        p.d_real = status.last.d_real;
        p.d_fake = status.last.d_fake;
        p.fd = NAN;
        points_.push_back(p);
        last_time_ = now_seconds;
        status_text_.clear();
        alerts_ = diagnosis_alerts(points_, session.live_config());
        return true;
    }
    if (!session.has_model() || session.explore_only()) {
        if (session.explore_only()) status_text_ = "An explore-only generator: nothing trains, nothing to diagnose.";
        return false;
    }
    const int64_t step = session.snapshot_step();
    const int64_t last_step = points_.empty() ? 0 : points_.back().step;
    const bool diverged = !std::isfinite(status.last.d_loss) || !std::isfinite(status.last.g_loss);
    if (step - last_step < kDiagnosisIntervalSteps && !(diverged && status.step > last_step)) {
        if (points_.empty() && classifier_error_.empty() && scorer_)
            status_text_ = "The first point comes at step " + diagnosis_thousands(kDiagnosisIntervalSteps) + ".";
        return false;
    }
    if (!points_.empty() && now_seconds - last_time_ < kDiagnosisIntervalSeconds && !diverged) return false;
    if (!points_.empty() && diverged && !points_.back().scored) return false;  // said once

    DiagnosisPoint p;
    p.step = diverged ? status.step : step;
    p.d_loss = status.last.d_loss;
    p.g_loss = status.last.g_loss;
    // D(x) and D(G(z)): the mean of the history's points since the previous diagnosis point.
    const TrainingHistory& h = session.history();
    const int64_t span = std::max<int64_t>(1, (p.step - last_step) / std::max(1, h.steps_per_point()));
    const size_t n = std::min<size_t>(h.d_real().size(), size_t(span));
    double real = 0, fake = 0;
    for (size_t i = h.d_real().size() - n; i < h.d_real().size(); ++i) {
        real += h.d_real()[i];
        fake += h.d_fake()[i];
    }
    p.d_real = n > 0 ? float(real / double(n)) : status.last.d_real;
    p.d_fake = n > 0 ? float(fake / double(n)) : status.last.d_fake;
    p.fd = NAN;

    if (!diverged) {
        if (!scorer_) {
            wants_classifier_ = true;
            if (classifier_error_.empty()) status_text_ = "Loading the classifier...";
            return false;
        }
        using Clock = std::chrono::steady_clock;
        const auto t0 = Clock::now();
        Matrix images(kDiagnosisSamples, kClassifierPixels);
        eval_generator_images(session.snapshot(), session.model_seed(), 0, session.gan_config().batch_size,
                              view_of(images));
        const auto t1 = Clock::now();
        const EvalScores scores = scorer_->score(const_view_of(images));
        const auto t2 = Clock::now();
        sample_ms_ = std::chrono::duration<double, std::milli>(t1 - t0).count();
        score_ms_ = std::chrono::duration<double, std::milli>(t2 - t1).count();
        p.scored = true;
        p.fd = scores.fd;
        p.modes = scores.classes.modes;
        p.kl = scores.classes.kl_uniform;
        p.confident = scores.classes.confident;
        p.histogram = scores.classes.histogram;
    }
    points_.push_back(p);
    if (int(points_.size()) > kDiagnosisCapacity) {  // every other old point goes; the last stays
        std::vector<DiagnosisPoint> kept;
        for (size_t i = 0; i < points_.size(); ++i)
            if (i % 2 == 1 || i + 1 == points_.size()) kept.push_back(points_[i]);
        points_.swap(kept);
    }
    last_time_ = now_seconds;
    status_text_.clear();
    alerts_ = diagnosis_alerts(points_, session.live_config());
    return true;
}

}  // namespace ganvas
