// rng.cpp - PCG32, the polar method and a deterministic log. See rng.h for why.
#include "base/rng.h"

#include <cmath>

namespace ganvas {

double det_log(double x) {
    // x = m * 2^e with m in [0.5, 1); frexp is exact. Move m into [sqrt(1/2), sqrt(2)).
    int e = 0;
    double m = std::frexp(x, &e);
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e -= 1;
    }
    // log(m) = 2 atanh(t), t = (m-1)/(m+1), |t| <= 0.1716: the odd series converges fast.
    const double t = (m - 1.0) / (m + 1.0);
    const double t2 = t * t;
    double term = t, sum = 0.0;
    for (int k = 1; k <= 41; k += 2) {  // t^43 < 1e-33: far below double precision
        sum += term / k;
        term *= t2;
    }
    const double ln2 = 0.69314718055994530942;
    return 2.0 * sum + e * ln2;
}

Rng::Rng(uint64_t seed, uint64_t stream) {
    // PCG32 reference seeding: pcg32_srandom_r(seed, stream).
    s_.state = 0;
    s_.increment = (stream << 1u) | 1u;
    next_u32();
    s_.state += seed;
    next_u32();
}

uint32_t Rng::next_u32() {
    const uint64_t old = s_.state;
    s_.state = old * 6364136223846793005ULL + s_.increment;
    const uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    const uint32_t rot = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

float Rng::uniform() { return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f); }

float Rng::uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

double Rng::uniform_double() {
    const uint64_t hi = next_u32() >> 5;  // 27 bits
    const uint64_t lo = next_u32() >> 6;  // 26 bits
    return static_cast<double>((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

uint32_t Rng::below(uint32_t n) {
    // Lemire's nearly-divisionless method: unbiased, usually one draw.
    uint64_t m = static_cast<uint64_t>(next_u32()) * n;
    uint32_t low = static_cast<uint32_t>(m);
    if (low < n) {
        const uint32_t threshold = (0u - n) % n;
        while (low < threshold) {
            m = static_cast<uint64_t>(next_u32()) * n;
            low = static_cast<uint32_t>(m);
        }
    }
    return static_cast<uint32_t>(m >> 32);
}

double Rng::normal() {
    if (s_.has_spare) {
        s_.has_spare = false;
        return s_.spare;
    }
    double u, v, s;
    do {
        u = 2.0 * uniform_double() - 1.0;
        v = 2.0 * uniform_double() - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * det_log(s) / s);
    s_.spare = v * factor;
    s_.has_spare = true;
    return u * factor;
}

void Rng::fill_normal(float* out, size_t n) {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(normal());
}

void Rng::fill_uniform(float* out, size_t n, float lo, float hi) {
    for (size_t i = 0; i < n; ++i) out[i] = uniform(lo, hi);
}

void shuffle_indices(uint32_t* idx, size_t n, Rng& rng) {
    for (size_t i = n; i > 1; --i) {
        const uint32_t j = rng.below(static_cast<uint32_t>(i));
        const uint32_t tmp = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = tmp;
    }
}

}  // namespace ganvas
