// random_settings.h - random configs drawn from the settings table itself (its types and
// ranges), and bitwise comparison of configs: shared by test_settings.cpp and test_link.cpp.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>

#include "base/rng.h"
#include "gan/settings.h"

namespace ganvas_test {

using ganvas::GanConfig;
using ganvas::Rng;
using ganvas::Setting;
using ganvas::SettingType;
using ganvas::settings_list;

// Bitwise equality over every setting (floats by their bits: -0 != 0, NaN == NaN).
inline bool same_bits(const GanConfig& a, const GanConfig& b, std::string* differing) {
    GanConfig& x = const_cast<GanConfig&>(a);
    GanConfig& y = const_cast<GanConfig&>(b);
    for (const Setting& s : settings_list()) {
        bool same = true;
        switch (s.type) {
            case SettingType::Int: same = *s.int_member(x) == *s.int_member(y); break;
            case SettingType::Float: same = std::memcmp(s.float_member(x), s.float_member(y), sizeof(float)) == 0; break;
            case SettingType::IntList: same = *s.list_member(x) == *s.list_member(y); break;
            case SettingType::Choice: same = *s.choice_member(x) == *s.choice_member(y); break;
            case SettingType::Bool: same = *s.bool_member(x) == *s.bool_member(y); break;
        }
        if (!same) {
            *differing = s.key + ": " + ganvas::settings_get_text(a, s) + " vs " + ganvas::settings_get_text(b, s);
            return false;
        }
    }
    return true;
}

inline float float_of_bits(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// Sets `s` in *c to a random value within the table's range. Floats: random bit patterns
// (every exponent, subnormals, both zeros) until one is in range, with the bounds themselves
// and their neighbours now and then.
inline void randomise(const Setting& s, Rng& rng, GanConfig* c) {
    const auto uniform_int = [&](double lo, double hi) { return int(lo) + int(rng.below(uint32_t(hi - lo + 1))); };
    switch (s.type) {
        case SettingType::Int: *s.int_member(*c) = uniform_int(s.lo, s.hi); return;
        case SettingType::IntList: {
            std::vector<int> v(size_t(uniform_int(s.min_items, s.max_items)));
            for (int& w : v) w = uniform_int(s.lo, s.hi);
            *s.list_member(*c) = v;
            return;
        }
        case SettingType::Choice: {
            const std::vector<std::string> names = s.choices();
            *s.choice_member(*c) = names[rng.below(uint32_t(names.size()))];
            return;
        }
        case SettingType::Bool: *s.bool_member(*c) = rng.below(2) == 1; return;
        case SettingType::Float: break;
    }
    float* f = s.float_member(*c);
    const float lo = float(s.lo), hi = float(s.hi);
    const float edges[] = {lo, hi, std::nextafter(lo, hi), std::nextafter(hi, lo), float_of_bits(1), 0.0f, -0.0f};
    for (int attempt = 0; attempt < 10000; ++attempt) {
        const uint32_t pick = rng.below(64);
        *f = pick < 7 ? edges[pick] : float_of_bits(rng.next_u32());
        if (ganvas::settings_check(*c, s).ok) return;
    }
    FAIL("no random value of " << s.key << " fell in range");
}

inline GanConfig random_config(Rng& rng) {
    GanConfig c;
    for (const Setting& s : settings_list()) randomise(s, rng, &c);
    // arch dcgan takes 1 or 2 channel counts of 1..256 and no spectral_norm (gan_arch_validate).
    if (c.arch == "dcgan") {
        for (std::vector<int>* widths : {&c.g_hidden, &c.d_hidden}) {
            if (widths->size() > 2) widths->resize(2);
            for (int& w : *widths) w = 1 + (w - 1) % 256;
        }
        c.spectral_norm = false;
    }
    // The other refused combination: a gradient penalty with minibatch_stddev (no double backward).
    if (!ganvas::gan_config_validate(c).ok) c.minibatch_stddev = false;
    return c;
}


}  // namespace ganvas_test
