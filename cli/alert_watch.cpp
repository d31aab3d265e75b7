// alert_watch.cpp - `ganvas train --remedy-at-alert`: the page's live diagnosis, run in the CLI.
// Every kDiagnosisIntervalSteps steps it scores kDiagnosisSamples of G's digits (the z of the
// seed, 0..999, as the page's Diagnosis window does), adds the point and asks eval/alerts.h for
// the alerts; the first time an alert of a kind offers a remedy, it applies the remedy's changes
// to the running training (Gan::change_setting, so they are in the checkpoint's recipe) and says so.
#include <cmath>
#include <cstdio>
#include <memory>

#include "cli.h"
#include "eval/alerts.h"
#include "eval/score.h"
#include "gan/gan.h"

namespace ganvas_cli {

struct AlertWatch::State {
    ganvas::Classifier classifier;
    std::unique_ptr<ganvas::Scorer> scorer;
    ganvas::Matrix images{ganvas::kDiagnosisSamples, ganvas::kClassifierPixels};
    std::vector<ganvas::DiagnosisPoint> points;
    double d_real = 0, d_fake = 0;  // sums since the last point
    long long counted = 0;
    bool remedied[3] = {false, false, false};  // per AlertKind
};

AlertWatch::AlertWatch() = default;
AlertWatch::~AlertWatch() { delete state_; }

ganvas::Status AlertWatch::open(const std::string& classifier_path) {
    auto state = std::make_unique<State>();
    uint64_t hash = 0;
    if (ganvas::Status s = cli_load_classifier(classifier_path, &state->classifier, &hash); !s) return s;
    state->scorer = std::make_unique<ganvas::Scorer>(state->classifier);
    delete state_;
    state_ = state.release();
    return ganvas::Status::success();
}

ganvas::Status AlertWatch::after_step(ganvas::Gan* gan, const ganvas::StepStats& stats, uint64_t seed) {
    if (!state_) return ganvas::Status::failure("AlertWatch::after_step before open");
    State& st = *state_;
    st.d_real += stats.d_real;
    st.d_fake += stats.d_fake;
    ++st.counted;
    if (stats.step % ganvas::kDiagnosisIntervalSteps != 0) return ganvas::Status::success();
    ganvas::DiagnosisPoint p;
    p.step = stats.step;
    p.d_loss = stats.d_loss;
    p.g_loss = stats.g_loss;
    p.d_real = float(st.d_real / double(st.counted));
    p.d_fake = float(st.d_fake / double(st.counted));
    p.fd = NAN;
    st.d_real = st.d_fake = 0;
    st.counted = 0;
    if (std::isfinite(stats.d_loss) && std::isfinite(stats.g_loss)) {
        ganvas::eval_generator_images(gan->sample_generator(), seed, 0, gan->config().batch_size, ganvas::view_of(st.images));
        if (st.images.allFinite()) diagnosis_point_scores(st.scorer->score(ganvas::const_view_of(st.images)), &p);
    }
    st.points.push_back(p);
    for (const ganvas::DiagnosisAlert& alert : ganvas::diagnosis_alerts(st.points, gan->config())) {
        bool& done = st.remedied[int(alert.kind)];
        if (done || alert.remedy.empty()) continue;
        done = true;
        std::printf("\nstep %lld: %s\n  remedy: %s (%s)\n", (long long)stats.step, alert.text.c_str(), alert.remedy.c_str(),
                    alert.remedy_why.c_str());
        for (const auto& [key, value] : ganvas::diagnosis_remedy_changes(alert.remedy))
            if (ganvas::Status s = gan->change_setting(key, value); !s) return ganvas::Status::failure(alert.remedy + ": " + s.message);
        std::fflush(stdout);
    }
    return ganvas::Status::success();
}

}  // namespace ganvas_cli
