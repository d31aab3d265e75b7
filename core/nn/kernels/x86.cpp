// x86.cpp - the x86 micro-kernels: AVX-512 8x32, AVX2 6x16, SSE2 4x8, one template through
// GCC vector extensions. See micro_kernel.h for the contract.
//
// Each instruction set instantiates the template inside a function compiled for that set
// (target attribute), so the binary needs no -march and runs on any x86 CPU: which kernels a
// CPU runs is asked at run time (__builtin_cpu_supports), which one is fastest is measured
// (nn/gemm.h, gemm_kernel_choice). Empty on other architectures.
#include "nn/kernels/micro_kernel.h"

#if defined(__x86_64__) || defined(__i386__)

#include <cstring>

namespace ganvas::kernels {

namespace {

typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));

// An MR x (2 vectors) tile of C in registers, V the vector type. always_inline, so the body
// is compiled with the caller's instructions. Vectors move through memcpy, never as arguments
// or return values, whose ABI changes with the instruction set.
template <typename V, int MR>
__attribute__((always_inline)) inline void tile_kernel(int kc, const float* a, const float* b, float* out, int ldc,
                                                       bool add) {
    constexpr int kLanes = int(sizeof(V) / sizeof(float)), kNr = 2 * kLanes;
    V c[MR][2] = {};
    for (int kk = 0; kk < kc; ++kk) {
        V b0, b1;
        std::memcpy(&b0, b, sizeof b0);
        std::memcpy(&b1, b + kLanes, sizeof b1);
        for (int r = 0; r < MR; ++r) {
            const V ar = a[r] - V{};  // a broadcast (s - (+0) is s exactly, -0 included)
            // Multiply, then add: no FMA, so every kernel (and wasm) rounds identically.
            // On AMD Zen, separate multiplies and adds issue on separate pipes at FMA's rate.
            c[r][0] += ar * b0;
            c[r][1] += ar * b1;
        }
        a += MR;
        b += kNr;
    }
    for (int r = 0; r < MR; ++r, out += ldc)
        for (int v = 0; v < 2; ++v) {
            V x = c[r][v];
            if (add) {
                V old;
                std::memcpy(&old, out + kLanes * v, sizeof old);
                x = old + x;
            }
            std::memcpy(out + kLanes * v, &x, sizeof x);
        }
}

// SSE2 (baseline x86-64): 4x8, eight 128-bit accumulators.
__attribute__((target("sse2"))) void kernel_sse2_4x8(int kc, const float* a, const float* b, float* out, int ldc,
                                                     bool add) {
    tile_kernel<v4f, 4>(kc, a, b, out, ldc, add);
}

// AVX2: 6x16, twelve 256-bit accumulators (of 16 registers).
__attribute__((target("avx2"))) void kernel_avx2_6x16(int kc, const float* a, const float* b, float* out, int ldc,
                                                      bool add) {
    tile_kernel<v8f, 6>(kc, a, b, out, ldc, add);
}

// AVX-512: 8x32, sixteen 512-bit accumulators (of 32 registers). Per k: 2 loads of B, 8
// broadcasts of A, 16 multiplies, 16 adds - Zen 5 runs two 512-bit multiplies and two adds per
// cycle, so the loads are not the limit. Eight rows divide the batch (64) and every width of
// the seed model exactly. Median GEMM GFLOP/s at the seed's shapes, five interleaved rounds on a
// noisy 2-core Zen 5 (AVX2 6x16: 58): 8x32 131, 6x32 127, 8x48 127, 12x32 122; 16x16 and 4x64
// ran ~95-110 in a first round.
__attribute__((target("avx512f"))) void kernel_avx512_8x32(int kc, const float* a, const float* b, float* out,
                                                           int ldc, bool add) {
    tile_kernel<v16f, 8>(kc, a, b, out, ldc, add);
}

// (__builtin_cpu_supports needs a string literal, hence one function per kernel.)
bool has_avx512f() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}
bool has_avx2() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
bool has_sse2() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse2");
}

const MicroKernel kKernels[] = {
    {"avx512", "native ", 8, 32, kernel_avx512_8x32, has_avx512f},
    {"avx2", "native ", 6, 16, kernel_avx2_6x16, has_avx2},
    {"sse2", "native ", 4, 8, kernel_sse2_4x8, has_sse2},
};

}  // namespace

const MicroKernel* x86_kernels(int* count) {
    *count = int(sizeof kKernels / sizeof kKernels[0]);
    return kKernels;
}

}  // namespace ganvas::kernels

#else

namespace ganvas::kernels {
const MicroKernel* x86_kernels(int* count) {
    *count = 0;
    return nullptr;
}
}  // namespace ganvas::kernels

#endif
