// snapshot.cpp - taking, restoring and comparing in-memory training states. See snapshot.h.
#include "gan/snapshot.h"

#include <cassert>
#include <cmath>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>

#include "gan/recipe.h"

namespace ganvas {

namespace {

Divergence loss_divergence(float loss) {
    if (!std::isfinite(loss)) return Divergence::NotFinite;
    return std::fabs(loss) > kExplodingLoss ? Divergence::Exploding : Divergence::None;
}

// Copies `from` into *to and checks it in the same pass: the worst of non-finite / |v| > limit.
Divergence copy_checked(const std::vector<float>& from, std::vector<float>* to, float limit) {
    to->resize(from.size());
    float* out = to->data();
    float largest = 0;  // NaN never compares greater, so it is counted apart
    bool finite = true;
    for (size_t i = 0; i < from.size(); ++i) {
        const float v = from[i];
        out[i] = v;
        const float a = std::fabs(v);
        finite = finite && a <= std::numeric_limits<float>::max();  // false for NaN and infinities
        largest = a > largest ? a : largest;
    }
    if (!finite) return Divergence::NotFinite;
    return largest > limit ? Divergence::Exploding : Divergence::None;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
        uint32_t bx, by;
        std::memcpy(&bx, &x, 4);
        std::memcpy(&by, &y, 4);
        return bx == by;
    });
}

bool same_rng(const RngState& a, const RngState& b) {
    uint64_t sa, sb;
    std::memcpy(&sa, &a.spare, 8);
    std::memcpy(&sb, &b.spare, 8);
    return a.state == b.state && a.increment == b.increment && a.has_spare == b.has_spare && sa == sb;
}

}  // namespace

Divergence step_divergence(const StepStats& stats) {
    const Divergence d = loss_divergence(stats.d_loss), g = loss_divergence(stats.g_loss);
    if (d == Divergence::NotFinite || g == Divergence::NotFinite) return Divergence::NotFinite;
    return d == Divergence::Exploding || g == Divergence::Exploding ? Divergence::Exploding : Divergence::None;
}

std::string step_divergence_text(const StepStats& stats) {
    char text[128];
    const bool d_bad = loss_divergence(stats.d_loss) != Divergence::None;
    const char* which = d_bad ? "D" : "G";
    const float loss = d_bad ? stats.d_loss : stats.g_loss;
    if (!std::isfinite(loss))
        std::snprintf(text, sizeof text, "the %s loss is not finite", which);
    else
        std::snprintf(text, sizeof text, "the %s loss reached %.3g (past %.0e)", which, double(loss),
                      double(kExplodingLoss));
    return text;
}

Divergence gan_snapshot_take(const Gan& gan, GanSnapshot* to, std::string* why) {
    assert(!gan.mid_iteration() && "gan_snapshot_take: between iterations only");
    to->step = -1;
    Divergence worst = Divergence::None;
    const char* where = "";
    const auto check = [&](Divergence d, const char* name) {
        if (d == Divergence::None || worst == Divergence::NotFinite) return;
        if (worst == Divergence::None || d == Divergence::NotFinite) where = name;
        worst = d;
    };
    const float unbounded = std::numeric_limits<float>::max();  // statistics and moments: only finiteness is checked
    check(copy_checked(gan.generator().params, &to->g_params, kExplodingWeight), "G's weights");
    check(copy_checked(gan.discriminator().params, &to->d_params, kExplodingWeight), "D's weights");
    check(copy_checked(gan.generator().buffers, &to->g_buffers, unbounded), "G's BatchNorm statistics");
    check(copy_checked(gan.discriminator().buffers, &to->d_buffers, unbounded), "D's BatchNorm statistics");
    check(copy_checked(gan.adam_g().m, &to->adam_g.m, unbounded), "G's Adam state");
    check(copy_checked(gan.adam_g().v, &to->adam_g.v, unbounded), "G's Adam state");
    check(copy_checked(gan.adam_d().m, &to->adam_d.m, unbounded), "D's Adam state");
    check(copy_checked(gan.adam_d().v, &to->adam_d.v, unbounded), "D's Adam state");
    if (const Sequential* ema = gan.generator_ema()) {
        check(copy_checked(ema->params, &to->ema_params, kExplodingWeight), "the EMA of G's weights");
        check(copy_checked(ema->buffers, &to->ema_buffers, unbounded), "the EMA of G's statistics");
        to->ema_counters = ema->counters;
    } else {
        to->ema_params.clear();
        to->ema_buffers.clear();
        to->ema_counters.clear();
    }
    to->ema_updates = gan.ema_updates();
    if (worst != Divergence::None) {
        if (why) {
            char text[128];
            std::snprintf(text, sizeof text, worst == Divergence::NotFinite ? "%s are not finite" : "%s passed %.0e",
                          where, double(kExplodingWeight));
            *why = text;
        }
        return worst;
    }
    to->g_counters = gan.generator().counters;
    to->d_counters = gan.discriminator().counters;
    to->adam_g.step = gan.adam_g().step;
    to->adam_d.step = gan.adam_d().step;
    to->trainer = gan.trainer_state();
    to->recipe = gan.recipe();
    to->step = gan.step();
    return Divergence::None;
}

Status gan_snapshot_restore(const GanSnapshot& from, Gan* gan) {
    if (from.empty()) return Status::failure("there is no snapshot to roll back to");
    if (from.g_params.size() != gan->generator().params.size() ||
        from.d_params.size() != gan->discriminator().params.size() ||
        from.g_buffers.size() != gan->generator().buffers.size() ||
        from.d_buffers.size() != gan->discriminator().buffers.size() ||
        from.g_counters.size() != gan->generator().counters.size() ||
        from.d_counters.size() != gan->discriminator().counters.size())
        return Status::failure("the snapshot is of another model (other shapes)");
    if (Status s = gan->rewind(from.recipe, from.step); !s) return Status::failure("the snapshot is of another run: " + s.message);
    gan->generator().params = from.g_params;  // same sizes: no allocation
    gan->generator().buffers = from.g_buffers;
    gan->generator().counters = from.g_counters;
    gan->discriminator().params = from.d_params;
    gan->discriminator().buffers = from.d_buffers;
    gan->discriminator().counters = from.d_counters;
    gan->adam_g() = from.adam_g;
    gan->adam_d() = from.adam_d;
    gan->set_trainer_state(from.trainer);
    // The config at the snapshot's step made (or dropped) the EMA copy; it gets the snapshot's values.
    Sequential* ema = gan->generator_ema();
    if (ema != nullptr && ema->params.size() == from.ema_params.size() && ema->buffers.size() == from.ema_buffers.size() &&
        ema->counters.size() == from.ema_counters.size()) {
        ema->params = from.ema_params;
        ema->buffers = from.ema_buffers;
        ema->counters = from.ema_counters;
    }
    gan->ema_updates() = from.ema_updates;
    return Status::success();
}

bool gan_snapshot_matches(const GanSnapshot& s, const Gan& gan) {
    const TrainerState t = gan.trainer_state();
    return !s.empty() && s.step == gan.step() && !gan.mid_iteration() &&
           recipe_to_json(s.recipe) == recipe_to_json(gan.recipe()) && same_bits(s.g_params, gan.generator().params) &&
           same_bits(s.d_params, gan.discriminator().params) && same_bits(s.g_buffers, gan.generator().buffers) &&
           same_bits(s.d_buffers, gan.discriminator().buffers) && s.g_counters == gan.generator().counters &&
           s.d_counters == gan.discriminator().counters && s.adam_g.step == gan.adam_g().step &&
           s.adam_d.step == gan.adam_d().step && same_bits(s.adam_g.m, gan.adam_g().m) &&
           same_bits(s.adam_g.v, gan.adam_g().v) && same_bits(s.adam_d.m, gan.adam_d().m) &&
           same_bits(s.adam_d.v, gan.adam_d().v) && s.ema_updates == gan.ema_updates() &&
           (gan.generator_ema() == nullptr ? s.ema_params.empty()
                                           : same_bits(s.ema_params, gan.generator_ema()->params) &&
                                                 same_bits(s.ema_buffers, gan.generator_ema()->buffers) &&
                                                 s.ema_counters == gan.generator_ema()->counters) &&
           same_rng(s.trainer.noise, t.noise) &&
           same_rng(s.trainer.data, t.data) && s.trainer.sampler.order == t.sampler.order &&
           s.trainer.sampler.cursor == t.sampler.cursor && s.trainer.sampler.epoch == t.sampler.epoch;
}

}  // namespace ganvas
