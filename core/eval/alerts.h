// alerts.h - the diagnosis alerts in plain words and their remedies: a pure function of the
// diagnosis points (what the classifier said about G's samples over steps) and the current config.
// The page's live diagnosis (shell/diagnosis.h) and `ganvas train --remedy-at-alert` (cli/) both
// use it, so an alert and its remedy are the same everywhere.
//
// A point (DiagnosisPoint): kDiagnosisSamples images of G for the z of (the model's seed, 0..999)
// (eval/score.h eval_generator_images), scored every kDiagnosisIntervalSteps steps or more, plus
// the mean D(x), D(G(z)) since the previous point and the last step's losses.
// Alerts (diagnosis_alerts):
//   mode collapse   the last two points each have at most 3 modes, or at most 3 digits make 90 %
//                   of the samples: "mode collapse: 3 digits make 93 % of the samples since step 4,200"
//   D is winning    D(G(z)) < 0.05 at the last two points: "D is winning: D(G(z)) below 0.05 since
//                   step 1,200 (now 0.012), G's gradients are vanishing"
//   diverging       the last point's losses are not finite, or it is a rollback (shell/session.h "Divergence")
// Each alert carries the first applicable remedy of kDiagnosisRemedies (alerts.cpp, one line
// each): "key=value" changes of live settings (gan/settings.h) that the current config accepts and
// that change something. A remedy whose setting does not exist in this build is skipped.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gan/config.h"

namespace ganvas {

struct EvalScores;

constexpr int kDiagnosisSamples = 1000;
constexpr int64_t kDiagnosisIntervalSteps = 200;
// The alert thresholds (see the top of the file).
constexpr int kCollapseModes = 3;
constexpr double kCollapseShare = 0.9;
constexpr double kDWinningFake = 0.05;

struct DiagnosisPoint {
    int64_t step = 0;             // the snapshot's step
    double fd = 0;                // NaN when not scored (a diverged model)
    int modes = 0;
    double kl = 0;                // nats, to uniform
    double confident = 0;         // share
    std::array<int, 10> histogram{};
    float d_real = 0, d_fake = 0; // mean since the previous point
    float d_loss = 0, g_loss = 0; // the last step's
    bool scored = false;          // false: the losses were not finite, nothing was scored
    // A rollback (shell/session.h, "Divergence"): the session went back to the snapshot at `step`
    // after `diverged_step` diverged, for the reason `divergence`. Not scored.
    bool rolled_back = false;
    int64_t diverged_step = 0;
    std::string divergence;       // "the D loss is not finite"
};

// Fills the point's scored part (fd, modes, kl, confident, histogram, scored) from a scoring.
void diagnosis_point_scores(const EvalScores& scores, DiagnosisPoint* point);

enum class AlertKind { ModeCollapse, DWinning, Diverging };

struct DiagnosisAlert {
    AlertKind kind = AlertKind::ModeCollapse;
    int64_t since_step = 0;
    std::string text;         // "mode collapse: 3 digits make 93 % of the samples since step 4,200"
    std::string remedy;       // "objective=lsgan" or "adam_d.lr=0.0004 adam_g.lr=0.0001"; "" when none applies
    std::string remedy_why;   // one line for people
};

// The alerts the points show now (see the top of the file), remedies checked against `config`.
std::vector<DiagnosisAlert> diagnosis_alerts(const std::vector<DiagnosisPoint>& points, const GanConfig& config);
// A remedy's changes: "a=1 b=2" -> {{"a","1"},{"b","2"}}.
std::vector<std::pair<std::string, std::string>> diagnosis_remedy_changes(const std::string& remedy);
// 4200 -> "4,200".
std::string diagnosis_thousands(int64_t n);

}  // namespace ganvas
