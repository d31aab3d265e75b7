// alerts.cpp - the diagnosis alerts and the remedy table. See alerts.h.
#include "eval/alerts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

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
    // Measured on --preset collapse (README "Mode collapse and instability"): applied at step 400,
    // adam_d.lr=0.001 ends with 10 modes at 3,120; TTUR 8, lsgan 2 modes 600 steps later.
    {AlertKind::ModeCollapse, "adam_d.lr=0.001", "a faster D: it learns to reject the digit G settled on, so G has to move"},
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

void diagnosis_point_scores(const EvalScores& scores, DiagnosisPoint* p) {
    p->scored = true;
    p->fd = scores.fd;
    p->modes = scores.classes.modes;
    p->kl = scores.classes.kl_uniform;
    p->confident = scores.classes.confident;
    p->histogram = scores.classes.histogram;
}

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

}  // namespace ganvas
