// gemm.cpp - packed, register-blocked matrix multiply. See gemm.h for the design.
#include "nn/gemm.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/parallel.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace ganvas {

namespace {

// Block sizes: an A block (MC x KC) and a B block (KC x NC) of floats live on the stack.
// KC x NR of B (32 KB at NR=32) and MR x KC of A stay in L1/L2 while the micro-kernel runs.
constexpr int KC = 256;
constexpr int MC = 72;   // multiple of every MR: 4, 6, 8 (and wasm's 2)
constexpr int NC = 512;  // multiple of every NR: 8, 16, 32
constexpr int MR_MAX = 8, NR_MAX = 32;

// [SECTION] Packing

typedef float f32x4 __attribute__((vector_size(16)));

// out[q * stride + i] = rows[i][q] for a 4x4 block: four row loads, eight shuffles, four
// stores, instead of sixteen scalar scatters (both packings transpose: A when op(A) = A,
// B when op(B) = B^T). __builtin_shufflevector exists in GCC >= 12
// and clang, so native SSE and wasm SIMD128 share this code.
inline void transpose_4x4(const float* r0, const float* r1, const float* r2, const float* r3, float* out,
                          int stride) {
    f32x4 a, b, c, d;
    std::memcpy(&a, r0, 16);
    std::memcpy(&b, r1, 16);
    std::memcpy(&c, r2, 16);
    std::memcpy(&d, r3, 16);
    const f32x4 t0 = __builtin_shufflevector(a, b, 0, 4, 1, 5), t1 = __builtin_shufflevector(a, b, 2, 6, 3, 7);
    const f32x4 t2 = __builtin_shufflevector(c, d, 0, 4, 1, 5), t3 = __builtin_shufflevector(c, d, 2, 6, 3, 7);
    const f32x4 o0 = __builtin_shufflevector(t0, t2, 0, 1, 4, 5), o1 = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
    const f32x4 o2 = __builtin_shufflevector(t1, t3, 0, 1, 4, 5), o3 = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
    std::memcpy(out, &o0, 16);
    std::memcpy(out + stride, &o1, 16);
    std::memcpy(out + 2 * stride, &o2, 16);
    std::memcpy(out + 3 * stride, &o3, 16);
}

// Packs rows [0, mc) x cols [0, kc) of op(A) into panels of `mr` rows: panel p holds
// op(A)[p*mr + r][kk] at out[p*mr*kc + kk*mr + r]; missing rows are zero.
void pack_a(int mc, int kc, const float* a, int lda, Op op, int mr, float* out) {
    for (int p = 0; p < mc; p += mr) {
        const int rows = std::min(mr, mc - p);
        if (op == Op::None) {  // out[kk][r] = row r's kk: transpose 4x4 blocks, then the ragged edges
            const int rows4 = rows & ~3, kc4 = kc & ~3;
            for (int r = 0; r < rows4; r += 4) {
                const float* r0 = a + size_t(p + r) * lda;
                for (int kk = 0; kk < kc4; kk += 4)
                    transpose_4x4(r0 + kk, r0 + lda + kk, r0 + 2 * size_t(lda) + kk, r0 + 3 * size_t(lda) + kk,
                                  out + kk * mr + r, mr);
            }
            for (int r = 0; r < rows; ++r) {
                const float* src = a + size_t(p + r) * lda;
                for (int kk = (r < rows4 ? kc4 : 0); kk < kc; ++kk) out[kk * mr + r] = src[kk];
            }
        } else {
            for (int kk = 0; kk < kc; ++kk) std::memcpy(out + kk * mr, a + size_t(kk) * lda + p, sizeof(float) * rows);
        }
        for (int r = rows; r < mr; ++r)
            for (int kk = 0; kk < kc; ++kk) out[kk * mr + r] = 0.0f;
        out += size_t(mr) * kc;
    }
}

// Packs rows [0, kc) x cols [0, nc) of op(B) into panels of `nr` columns: panel p holds
// op(B)[kk][p*nr + j] at out[p*nr*kc + kk*nr + j]; missing columns are zero.
void pack_b(int kc, int nc, const float* b, int ldb, Op op, int nr, float* out) {
    for (int p = 0; p < nc; p += nr) {
        const int cols = std::min(nr, nc - p);
        if (op == Op::None) {
            for (int kk = 0; kk < kc; ++kk) std::memcpy(out + kk * nr, b + size_t(kk) * ldb + p, sizeof(float) * cols);
        } else {
            // op(B)[kk][j] = b[j][kk]: transpose 4x4 blocks, then the ragged edges one by one.
            const int cols4 = cols & ~3, kc4 = kc & ~3;
            for (int j = 0; j < cols4; j += 4) {
                const float* r0 = b + size_t(p + j) * ldb;
                for (int kk = 0; kk < kc4; kk += 4)
                    transpose_4x4(r0 + kk, r0 + ldb + kk, r0 + 2 * size_t(ldb) + kk, r0 + 3 * size_t(ldb) + kk,
                                  out + kk * nr + j, nr);
            }
            for (int j = 0; j < cols; ++j) {
                const float* src = b + size_t(p + j) * ldb;
                for (int kk = (j < cols4 ? kc4 : 0); kk < kc; ++kk) out[kk * nr + j] = src[kk];
            }
        }
        for (int j = cols; j < nr; ++j)
            for (int kk = 0; kk < kc; ++kk) out[kk * nr + j] = 0.0f;
        out += size_t(nr) * kc;
    }
}

// [SECTION] Micro-kernels: tile(MR x NR) = sum over kk of a[kk] (MR) outer b[kk] (NR).
// Each sums from zero, then writes its tile into C (row stride ldc) or, with `add`, adds it to
// C: C + tile, as the sum of the next K block must be added. Writing straight from registers
// saves a round trip through memory; the driver passes a scratch tile for partial edge tiles.

struct Kernel {
    const char* id;  // what GANVAS_GEMM_KERNEL and gemm_use_kernel() take
    int mr, nr;
    void (*run)(int kc, const float* a, const float* b, float* c, int ldc, bool add);
    bool (*supported)();  // can this CPU run it?
};

#if defined(__wasm_simd128__)

#ifndef GANVAS_WASM_MR  // tile shape, overridable to re-measure: -DGANVAS_WASM_MR=3 -DGANVAS_WASM_NV=3
#define GANVAS_WASM_MR 2
#define GANVAS_WASM_NV 4
#endif
constexpr int kMr = GANVAS_WASM_MR, kNv = GANVAS_WASM_NV, kNr = 4 * kNv;
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
constexpr const char* kNamePrefix = "";
const Kernel kKernels[] = {{"wasm-simd128", kMr, kNr, micro_kernel, [] { return true; }}};

#else  // native: GCC vector extensions

typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));

// The one native micro-kernel: an MR x (2 vectors) tile of C in registers, V the vector type.
// Each instruction set instantiates it inside a function compiled for that set (below);
// always_inline, so the body is compiled with the caller's instructions. Vectors move through
// memcpy, never as arguments or return values, whose ABI changes with the instruction set.
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

// Baseline x86-64 (SSE2): 4x8, eight 128-bit accumulators.
void kernel_sse2_4x8(int kc, const float* a, const float* b, float* out, int ldc, bool add) {
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

constexpr const char* kNamePrefix = "native ";
// Best first: the default is the first one the CPU supports. (__builtin_cpu_supports needs a
// string literal, hence one lambda per kernel.)
const Kernel kKernels[] = {
    {"avx512", 8, 32, kernel_avx512_8x32, [] { return bool(__builtin_cpu_supports("avx512f")); }},
    {"avx2", 6, 16, kernel_avx2_6x16, [] { return bool(__builtin_cpu_supports("avx2")); }},
    {"sse2", 4, 8, kernel_sse2_4x8, [] { return true; }},  // baseline x86-64
};

#endif

// [SECTION] Kernel selection

const Kernel* find_kernel(const char* id) {
    for (const Kernel& k : kKernels)
        if (std::strcmp(k.id, id) == 0 && k.supported()) return &k;
    return nullptr;
}

// The best supported kernel, or the one GANVAS_GEMM_KERNEL names (read once).
const Kernel* select_kernel() {
#if !defined(__wasm_simd128__)
    __builtin_cpu_init();
#endif
    if (const char* want = std::getenv("GANVAS_GEMM_KERNEL"); want && *want) {
        if (const Kernel* k = find_kernel(want)) return k;
        std::fprintf(stderr, "ganvas: GANVAS_GEMM_KERNEL=%s is not a kernel this CPU runs (it runs:", want);
        for (const Kernel& k : kKernels)
            if (k.supported()) std::fprintf(stderr, " %s", k.id);
        std::fprintf(stderr, "); using the default\n");
    }
    for (const Kernel& k : kKernels)
        if (k.supported()) return &k;
    return nullptr;  // unreachable: the last kernel is the portable baseline
}

// The kernel gemm() uses: decided at first use, changed only by gemm_use_kernel().
std::atomic<const Kernel*>& current_kernel() {
    static std::atomic<const Kernel*> k{select_kernel()};
    return k;
}
const Kernel& kernel() { return *current_kernel().load(std::memory_order_relaxed); }

// [SECTION] The driver: one thread's product, then the split over threads.

// C = op(A) op(B) on the calling thread.
void gemm_one_thread(int m, int n, int k, const float* a, int lda, Op op_a, const float* b, int ldb, Op op_b,
                     float* c, int ldc, bool accumulate) {
    const Kernel& kern = kernel();
    const int mr = kern.mr, nr = kern.nr;
    if (k == 0) {
        if (!accumulate)
            for (int i = 0; i < m; ++i) std::fill_n(c + size_t(i) * ldc, n, 0.0f);
        return;
    }
    alignas(64) float a_pack[MC * KC];
    alignas(64) float b_pack[NC * KC];
    alignas(64) float tile[MR_MAX * NR_MAX];
    for (int jc = 0; jc < n; jc += NC) {
        const int nc = std::min(NC, n - jc);  // NC is a multiple of every NR
        // Equal K blocks (784 -> 4 x 196, not 3 x 256 + 16): no tiny remainder block.
        const int k_blocks = (k + KC - 1) / KC, kc_even = (k + k_blocks - 1) / k_blocks;
        for (int pc = 0; pc < k; pc += kc_even) {
            const int kc = std::min(kc_even, k - pc);
            const bool add = accumulate || pc > 0;
            const float* b_block = op_b == Op::None ? b + size_t(pc) * ldb + jc : b + size_t(jc) * ldb + pc;
            pack_b(kc, nc, b_block, ldb, op_b, nr, b_pack);
            for (int ic = 0; ic < m; ic += MC) {
                const int mc = std::min(MC, m - ic);
                const float* a_block = op_a == Op::None ? a + size_t(ic) * lda + pc : a + size_t(pc) * lda + ic;
                pack_a(mc, kc, a_block, lda, op_a, mr, a_pack);
                for (int jr = 0; jr < nc; jr += nr) {
                    const int cols = std::min(nr, nc - jr);
                    const float* bp = b_pack + size_t(jr) * kc;
                    for (int ir = 0; ir < mc; ir += mr) {
                        const int rows = std::min(mr, mc - ir);
                        const float* ap = a_pack + size_t(ir) * kc;
                        float* c_tile = c + size_t(ic + ir) * ldc + jc + jr;
                        if (rows == mr && cols == nr) {  // a whole tile: the kernel writes C itself
                            kern.run(kc, ap, bp, c_tile, ldc, add);
                            continue;
                        }
                        kern.run(kc, ap, bp, tile, nr, false);  // an edge: only part of it is C
                        for (int r = 0; r < rows; ++r) {
                            float* c_row = c_tile + size_t(r) * ldc;
                            const float* t_row = tile + r * nr;
                            if (add)
                                for (int j = 0; j < cols; ++j) c_row[j] += t_row[j];
                            else
                                std::memcpy(c_row, t_row, sizeof(float) * cols);
                        }
                    }
                }
            }
        }
    }
}

// A GEMM split into bands of output columns, one task per band (see parallel.h).
struct ColumnBands {
    int m, n, k;
    const float* a;
    int lda;
    Op op_a;
    const float* b;
    int ldb;
    Op op_b;
    float* c;
    int ldc;
    bool accumulate;
    int band;  // columns per band, a multiple of the kernel's NR

    static void run(void* self, int task) {
        const ColumnBands& g = *static_cast<const ColumnBands*>(self);
        const int j0 = task * g.band, cols = std::min(g.band, g.n - j0);
        const float* b = g.op_b == Op::None ? g.b + j0 : g.b + size_t(j0) * g.ldb;
        gemm_one_thread(g.m, cols, g.k, g.a, g.lda, g.op_a, b, g.ldb, g.op_b, g.c + j0, g.ldc, g.accumulate);
    }
};

// Below this much work a second thread costs more (waking it, packing A twice) than it saves.
constexpr double kMinParallelFlops = 1.0e6;

}  // namespace

const char* gemm_kernel_name() {
    constexpr size_t count = sizeof kKernels / sizeof kKernels[0];
    static const auto names = [] {  // "native avx2 6x16", "wasm-simd128 2x16"
        std::array<std::string, count> n;
        for (size_t i = 0; i < count; ++i) {
            const Kernel& k = kKernels[i];
            n[i] = std::string(kNamePrefix) + k.id + " " + std::to_string(k.mr) + "x" + std::to_string(k.nr);
        }
        return n;
    }();
    return names[size_t(&kernel() - kKernels)].c_str();
}

std::vector<std::string> gemm_kernels() {
    std::vector<std::string> ids;
    for (const Kernel& k : kKernels)
        if (k.supported()) ids.push_back(k.id);
    return ids;
}

bool gemm_use_kernel(const std::string& id) {
    const Kernel* k = find_kernel(id.c_str());
    if (k) current_kernel().store(k, std::memory_order_relaxed);
    return k != nullptr;
}

void gemm(int m, int n, int k, const float* a, int lda, Op op_a, const float* b, int ldb, Op op_b, float* c,
          int ldc, bool accumulate) {
    assert(m >= 0 && n >= 0 && k >= 0 && "gemm: negative size");
    const int nr = kernel().nr, panels = (n + nr - 1) / nr;
    const int bands = std::min(threads(), panels);
    if (bands <= 1 || 2.0 * m * n * k < kMinParallelFlops) {
        gemm_one_thread(m, n, k, a, lda, op_a, b, ldb, op_b, c, ldc, accumulate);
        return;
    }
    ColumnBands job{m, n, k, a, lda, op_a, b, ldb, op_b, c, ldc, accumulate, (panels + bands - 1) / bands * nr};
    parallel_run((n + job.band - 1) / job.band, ColumnBands::run, &job);
}

}  // namespace ganvas
