// wasm_simd128.cpp - the WebAssembly SIMD128 micro-kernel, 2x16. See micro_kernel.h for the
// contract. Empty unless compiled with -msimd128.
#include "nn/kernels/micro_kernel.h"

#if defined(__wasm_simd128__)

#include <wasm_simd128.h>

namespace ganvas::kernels {

namespace {

#ifndef GANVAS_WASM_MR  // tile shape, overridable to re-measure: -DGANVAS_WASM_MR=3 -DGANVAS_WASM_NV=3
#define GANVAS_WASM_MR 2
#define GANVAS_WASM_NV 4
#endif
constexpr int kMr = GANVAS_WASM_MR, kNv = GANVAS_WASM_NV, kNr = 4 * kNv;
static_assert(kMr <= kMaxMr && kNr <= kMaxNr, "wasm tile larger than the driver's scratch tile");

// MR x (4*NV) tile: MR*NV accumulators + NV B vectors + 1 broadcast A must fit in the 16
// registers V8 has on x86-64. Median GEMM GFLOP/s at the seed's shapes under node, five
// interleaved rounds on a loaded 2-core machine: 2x16 23.2, 3x12 20.3, 4x8 15.5; 6x8 and
// 4x12 spill and run at half speed. 2x16 also divides the seed's shapes exactly (batch 64,
// widths multiple of 16).
void micro_kernel(int kc, const float* a, const float* b, float* out, int ldc, bool add) {
    v128_t c[kMr][kNv];
    for (int r = 0; r < kMr; ++r)
        for (int v = 0; v < kNv; ++v) c[r][v] = wasm_f32x4_splat(0.0f);
    for (int kk = 0; kk < kc; ++kk) {
        v128_t bv[kNv];
        for (int v = 0; v < kNv; ++v) bv[v] = wasm_v128_load(b + 4 * v);
        for (int r = 0; r < kMr; ++r) {
            const v128_t ar = wasm_v128_load32_splat(a + r);
            for (int v = 0; v < kNv; ++v) c[r][v] = wasm_f32x4_add(c[r][v], wasm_f32x4_mul(ar, bv[v]));
        }
        a += kMr;
        b += kNr;
    }
    for (int r = 0; r < kMr; ++r, out += ldc)
        for (int v = 0; v < kNv; ++v) {
            float* p = out + 4 * v;
            wasm_v128_store(p, add ? wasm_f32x4_add(wasm_v128_load(p), c[r][v]) : c[r][v]);
        }
}

const MicroKernel kKernels[] = {{"wasm-simd128", "", kMr, kNr, micro_kernel, [] { return true; }}};

}  // namespace

const MicroKernel* wasm_simd128_kernels(int* count) {
    *count = 1;
    return kKernels;
}

}  // namespace ganvas::kernels

#else

namespace ganvas::kernels {
const MicroKernel* wasm_simd128_kernels(int* count) {
    *count = 0;
    return nullptr;
}
}  // namespace ganvas::kernels

#endif
