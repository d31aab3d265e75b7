// diagnosis.h - the live diagnosis: what the classifier says about G's samples as training goes,
// and alerts in plain words, each with a remedy that is a live settings change.
//
// No GL, no ImGui (tests/test_diagnosis.cpp links it with the session alone). What it does:
//   when       Diagnosis::update() is called every frame on the UI thread; it scores when the
//              session's snapshot of G (session.h: taken with every grid refresh, never the
//              trainer's model) is at least kDiagnosisIntervalSteps beyond the last point AND
//              kDiagnosisIntervalSeconds of wall time have passed (the first point: as soon as the
//              snapshot is kDiagnosisIntervalSteps in). Off the training hot path: training never
//              waits for it on a trainer thread; in frame slices it takes one frame every few seconds.
//   what       kDiagnosisSamples images of the snapshot for the z of (the model's seed, 0..999)
//              (eval/score.h eval_generator_images: the same z every time, so points compare over
//              steps; the same images `ganvas eval` scores first), scored by eval/score.h's Scorer:
//              FD, class histogram, modes, KL to uniform, confident share; plus the mean D(x) and
//              D(G(z)) and the last losses of the steps since the previous point (the session's
//              history). The sample count is fixed: the FD depends on it.
//   history    at most kDiagnosisCapacity points; then every other old point is dropped.
//   classifier loaded lazily: wants_classifier() turns true when the first point is due without
//              one; the app then reads SessionConfig::classifier_path (natively) or asks the page
//              to fetch classifier.safetensors (web/ganvas_api.js), and hands the bytes to
//              load_classifier(). Without one, status_text() says why.
// Alerts and their remedies: eval/alerts.h (a pure function of the points, shared with the CLI).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "eval/alerts.h"
#include "gan/config.h"
#include "session.h"

namespace ganvas {

constexpr double kDiagnosisIntervalSeconds = 3;
constexpr int kDiagnosisCapacity = 256;

// The commands that apply a remedy (command::ChangeSetting, one per change).
std::vector<SessionCommand> diagnosis_remedy_commands(const std::string& remedy);
class Scorer;
struct Classifier;

class Diagnosis {
public:
    Diagnosis();
    ~Diagnosis();
    Diagnosis(const Diagnosis&) = delete;
    Diagnosis& operator=(const Diagnosis&) = delete;

    // A classifier file's bytes (eval/classifier.h); refused with the reason (kept in status_text()).
    Status load_classifier(const uint8_t* bytes, size_t size);
    bool has_classifier() const { return scorer_ != nullptr; }
    // A point is due and there is no classifier, and nobody was asked for one yet.
    bool wants_classifier() const { return wants_classifier_ && !requested_; }
    void classifier_requested() { requested_ = true; }
    void classifier_failed(const std::string& why);  // the fetch or the file failed: say so

    // Called every frame (UI thread; the snapshot is the session's, not the trainer's): adds a
    // point when one is due. now_seconds: any steady clock. Returns true when it added one.
    bool update(const Session& session, const SessionStatus& status, double now_seconds);
    // Recomputes the alerts' remedies (after a setting changed).
    void refresh_alerts(const GanConfig& config) { alerts_ = diagnosis_alerts(points_, config); }

    const std::vector<DiagnosisPoint>& points() const { return points_; }
    const std::vector<DiagnosisAlert>& alerts() const { return alerts_; }
    double score_ms() const { return score_ms_; }    // the last scoring (classifier + FD)
    double sample_ms() const { return sample_ms_; }  // drawing the samples with G for it
    // Why there are no points yet, or "" ("Waiting for 200 steps", "No classifier: ...").
    const std::string& status_text() const { return status_text_; }

private:
    std::unique_ptr<Classifier> classifier_;
    std::unique_ptr<Scorer> scorer_;
    std::vector<DiagnosisPoint> points_;
    std::vector<DiagnosisAlert> alerts_;
    uint64_t model_version_ = ~uint64_t(0);
    int64_t rollbacks_seen_ = 0;  // SessionStatus::rollback.count already shown
    double last_time_ = 0;
    bool wants_classifier_ = false, requested_ = false;
    double score_ms_ = 0, sample_ms_ = 0;
    std::string status_text_ = "Waiting for training.";
    std::string classifier_error_;
};

}  // namespace ganvas
