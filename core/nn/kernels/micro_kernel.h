// micro_kernel.h - what a GEMM micro-kernel is, and the kernels this build has.
//
// The driver (nn/gemm.cpp) packs A into row panels MR tall and B into column panels NR wide,
// each k-major, and calls a micro-kernel per MR x NR tile of C:
//   tile(MR x NR) = sum over kk < kc of a[kk*MR + r] * b[kk*NR + j]
// summed from zero in registers, then written into C (row stride ldc) or, with `add`, added
// to it: C + tile, as the sum of the next K block must be added.
//
// The contract every kernel keeps, so that all of them give the same bits: each element is
// one sequential sum, k ascending, a multiply then an add (never FMA: the core is compiled
// with -ffp-contract=off, and wasm SIMD has no FMA), starting from +0, and C + tile last.
// tests/test_gemm.cpp checks every kernel bit for bit against the plain-loop one.
//
// One file per instruction-set family, each compiled everywhere and empty where its
// instructions do not exist:
//   x86.cpp            AVX-512 8x32, AVX2 6x16, SSE2 4x8 (GCC vector extensions)
//   wasm_simd128.cpp   WebAssembly SIMD128 2x16
//   plain.cpp          scalar C++ 4x16: the portable baseline, used where no SIMD kernel
//                      exists (e.g. aarch64), and the reference the tests compare with
#pragma once

#include "nn/gemm.h"

namespace ganvas::kernels {

// Largest tile any kernel uses (the driver's scratch tile for edges).
constexpr int kMaxMr = 8, kMaxNr = 32;

using MicroKernelFn = void (*)(int kc, const float* a, const float* b, float* c, int ldc, bool add);

struct MicroKernel {
    const char* id;    // what gemm_use_kernel() takes: "avx2", "plain", ...
    const char* prefix;  // of its name for people, "native " (x86) or "": name() gives
                         // "native avx2 6x16", "wasm-simd128 2x16", "plain 4x16"
    int mr, nr;        // tile: mr divides 72 (the driver's MC), nr divides 512 (NC), <= kMax*
    MicroKernelFn run;
    bool (*supported)();  // can this CPU run it?
};

// The kernels of each family this target was compiled for, best first; count 0 where the
// family's instructions do not exist.
const MicroKernel* x86_kernels(int* count);
const MicroKernel* wasm_simd128_kernels(int* count);
const MicroKernel& plain_kernel();

// [SECTION] Between the driver (nn/gemm.cpp) and the choice (nn/gemm_choice.cpp)

// The kernel gemm() uses now; the first call chooses it (gemm.h, "Kernel choice").
const MicroKernel& current_kernel();

// C = op(A) op(B) with `kernel`, on the calling thread only (gemm()'s arguments).
void gemm_one_thread(const MicroKernel& kernel, int m, int n, int k, const float* a, int lda, Op op_a,
                     const float* b, int ldb, Op op_b, float* c, int ldc, bool accumulate);

}  // namespace ganvas::kernels
