// plain.cpp - the plain-loop micro-kernel: scalar C++, 4x16, the same order of operations as
// every SIMD kernel (micro_kernel.h), so the same bits. The portable baseline: what gemm()
// uses where no SIMD kernel exists (aarch64, a wasm build without SIMD), and the reference
// tests/test_gemm.cpp compares every other kernel with. A compiler may vectorise the j loops;
// that changes nothing, each element's sum stays its own sequential chain.
#include "nn/kernels/micro_kernel.h"

namespace ganvas::kernels {

namespace {

constexpr int kMr = 4, kNr = 16;

void plain_4x16(int kc, const float* a, const float* b, float* out, int ldc, bool add) {
    float c[kMr][kNr] = {};
    for (int kk = 0; kk < kc; ++kk) {
        for (int r = 0; r < kMr; ++r) {
            const float ar = a[r];
            for (int j = 0; j < kNr; ++j) c[r][j] += ar * b[j];  // multiply, then add
        }
        a += kMr;
        b += kNr;
    }
    for (int r = 0; r < kMr; ++r, out += ldc)
        for (int j = 0; j < kNr; ++j) out[j] = add ? out[j] + c[r][j] : c[r][j];
}

const MicroKernel kPlain = {"plain", "", kMr, kNr, plain_4x16, [] { return true; }};

}  // namespace

const MicroKernel& plain_kernel() { return kPlain; }

}  // namespace ganvas::kernels
