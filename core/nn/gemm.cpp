// gemm.cpp - packed, register-blocked matrix multiply. See gemm.h for the design.
#include "nn/gemm.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "base/parallel.h"
#include "nn/kernels/micro_kernel.h"

namespace ganvas {

using kernels::MicroKernel;

namespace {

// Block sizes: an A block (MC x KC) and a B block (KC x NC) of floats live on the stack.
// KC x NR of B (32 KB at NR=32) and MR x KC of A stay in L1/L2 while the micro-kernel runs.
constexpr int KC = 256;
constexpr int MC = 72;   // multiple of every MR: 4, 6, 8 (and wasm's 2)
constexpr int NC = 512;  // multiple of every NR: 8, 16, 32

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
// op(B)[kk][p*nr + j] at out[p*nr*kc + kk*nr + j]; missing columns are zero. That is pack_a
// of op(B)^T (nc rows, kc columns): the same copies, with the transposition flipped.
void pack_b(int kc, int nc, const float* b, int ldb, Op op, int nr, float* out) {
    pack_a(nc, kc, b, ldb, op == Op::None ? Op::Transpose : Op::None, nr, out);
}

// [SECTION] The driver: one thread's product, then the split over threads.

}  // namespace

void kernels::gemm_one_thread(const MicroKernel& kern, int m, int n, int k, const float* a, int lda, Op op_a,
                              const float* b, int ldb, Op op_b, float* c, int ldc, bool accumulate) {
    const int mr = kern.mr, nr = kern.nr;
    assert(MC % mr == 0 && NC % nr == 0 && mr <= kernels::kMaxMr && nr <= kernels::kMaxNr && "gemm: bad tile");
    if (k == 0) {
        if (!accumulate)
            for (int i = 0; i < m; ++i) std::fill_n(c + size_t(i) * ldc, n, 0.0f);
        return;
    }
    alignas(64) float a_pack[MC * KC];
    alignas(64) float b_pack[NC * KC];
    alignas(64) float tile[kernels::kMaxMr * kernels::kMaxNr];
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

namespace {

// A GEMM split into bands of output columns, one task per band (see parallel.h).
struct ColumnBands {
    const MicroKernel* kernel;  // read once per product: every band uses the same
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
        kernels::gemm_one_thread(*g.kernel, g.m, cols, g.k, g.a, g.lda, g.op_a, b, g.ldb, g.op_b, g.c + j0, g.ldc,
                                 g.accumulate);
    }
};

// Below this much work a second thread costs more (waking it, packing A twice) than it saves.
constexpr double kMinParallelFlops = 1.0e6;

}  // namespace

void gemm(int m, int n, int k, const float* a, int lda, Op op_a, const float* b, int ldb, Op op_b, float* c,
          int ldc, bool accumulate) {
    assert(m >= 0 && n >= 0 && k >= 0 && "gemm: negative size");
    const MicroKernel& kern = kernels::current_kernel();
    ThreadPool* pool = current_pool();  // nullptr: this thread only
    const int nr = kern.nr, panels = (n + nr - 1) / nr;
    const int bands = std::min(pool ? pool->threads() : 1, panels);
    if (bands <= 1 || 2.0 * m * n * k < kMinParallelFlops) {
        kernels::gemm_one_thread(kern, m, n, k, a, lda, op_a, b, ldb, op_b, c, ldc, accumulate);
        return;
    }
    ColumnBands job{&kern, m, n, k, a, lda, op_a, b, ldb, op_b, c, ldc, accumulate, (panels + bands - 1) / bands * nr};
    pool->run((n + job.band - 1) / job.band, ColumnBands::run, &job);
}

}  // namespace ganvas
