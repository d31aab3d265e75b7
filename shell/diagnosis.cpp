// diagnosis.cpp - scoring the snapshot every few seconds (the alerts: eval/alerts.cpp). See diagnosis.h.
#include "diagnosis.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "eval/classifier.h"
#include "eval/score.h"

namespace ganvas {

std::vector<SessionCommand> diagnosis_remedy_commands(const std::string& remedy) {
    std::vector<SessionCommand> commands;
    for (auto& [key, value] : diagnosis_remedy_changes(remedy)) commands.push_back(command::ChangeSetting{key, value});
    return commands;
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
        diagnosis_point_scores(scores, &p);
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
