// rng.h - a seeded random stream that is bit-identical natively and in WebAssembly.
//
// The standard library's distributions are implementation-defined (libstdc++ and libc++
// produce different normals from the same engine), and libm's log() may differ in the
// last bit between glibc and musl. So Ganvas draws everything itself:
//   - PCG32 (O'Neill, XSH-RR 64/32) for raw 32-bit words: integer arithmetic only;
//   - uniform floats from the top 24 bits, exact in float;
//   - normals by Marsaglia's polar method, using sqrt (correctly rounded by IEEE 754)
//     and det_log() below (only + * / on doubles), so every platform computes the same bits.
// A test pins the stream by checksum in both builds.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ganvas {

// Natural log using only IEEE-exact operations (frexp, +, *, /). Accurate to ~1 ulp.
double det_log(double x);

struct RngState {
    uint64_t state = 0;
    uint64_t increment = 0;   // odd; selects the stream
    bool has_spare = false;   // the polar method yields normals in pairs
    double spare = 0.0;
};

class Rng {
public:
    Rng() : Rng(0, 0) {}
    Rng(uint64_t seed, uint64_t stream);

    uint32_t next_u32();
    float uniform();                    // [0, 1), 24 random bits
    float uniform(float lo, float hi);  // [lo, hi)
    double uniform_double();            // [0, 1), 53 random bits
    uint32_t below(uint32_t n);         // unbiased integer in [0, n) (Lemire); n > 0
    double normal();                    // N(0, 1)
    void fill_normal(float* out, size_t n);
    void fill_uniform(float* out, size_t n, float lo, float hi);

    RngState state() const { return s_; }
    void set_state(const RngState& s) { s_ = s; }

private:
    RngState s_;
};

// Fisher-Yates shuffle of indices, drawing from rng.
void shuffle_indices(uint32_t* idx, size_t n, Rng& rng);

}  // namespace ganvas
