// gemm.h - the matrix multiply behind every Linear layer, forward and backward, and the
// choice of the micro-kernel it runs.
//
//   C(M,N) = op(A)(M,K) * op(B)(K,N)        (or += when accumulate)
//
// All matrices are row-major with a leading dimension (the distance between rows).
// op(X) is X or X^T. The three products a Linear layer needs:
//   forward      out(N,O)  = in(N,I) * W(O,I)^T          gemm(.., A=in, no, B=W, yes)
//   input grad   d_in(N,I) = d_out(N,O) * W(O,I)         gemm(.., A=d_out, no, B=W, no)
//   weight grad  dW(O,I)  += d_out(N,O)^T * in(N,I)      gemm(.., A=d_out, yes, B=in, no)
//
// How (Goto/BLIS style): B is packed into column panels NR wide and A into row panels MR
// tall, each k-major, so the micro-kernel streams both with unit stride; packing also
// absorbs the transpositions. The micro-kernel keeps an MR x NR tile of C in registers
// (nn/kernels/: AVX-512 8x32, AVX2 6x16, SSE2 4x8 on x86; SIMD128 2x16 in wasm; a plain
// scalar 4x16 everywhere, the one used where no SIMD kernel exists).
// Packing buffers are fixed-size blocks on the stack: no heap allocation, ever.
// Threads: a product big enough to be worth it is split into bands of output columns, whole
// NR panels each, one band per thread of the calling thread's current pool (base/parallel.h);
// each thread packs its own blocks.
// Every C element is one sequential sum, identical for every kernel: k ascending within a K
// block, blocks added in order, a multiply then an add (never FMA, which wasm SIMD lacks). So
// all kernels, natively and in wasm, on any number of threads, give the same bits - a run
// replays exactly anywhere.
#pragma once

#include <string>
#include <vector>

namespace ganvas {

enum class Op { None, Transpose };

void gemm(int m, int n, int k, const float* a, int lda, Op op_a, const float* b, int ldb, Op op_b, float* c,
          int ldc, bool accumulate);

// [SECTION] Shapes

struct GemmShape {
    int m, n, k;
    Op op_a, op_b;
};

// The three products of a Linear layer `in -> out` at `batch` rows: forward, input grad,
// weight grad (as in the table above).
std::vector<GemmShape> gemm_linear_shapes(int batch, int in, int out);

// The products of one training step of the seed model (G 100-128-256-512-784, D 784-512-256-1)
// at batch 64: what the kernels are timed on (tests/test_gemm.cpp checks it against
// gan/networks.h).
std::vector<GemmShape> gemm_seed_shapes();

// [SECTION] Kernel choice
//
// Any kernel gives the same bits, so which one runs is only a question of speed, and speed
// is measured, not guessed from CPU flags (on one x86 host AVX2 ran at 86 GFLOP/s and AVX-512
// at 59; on another AVX-512 is nearly twice AVX2). The first gemm() (or gemm_choose_kernel())
// times every SIMD kernel the CPU runs on gemm_seed_shapes(), single-threaded, for a bounded
// time (~65 ms on an idle Zen 5, a few times that on a loaded one), and keeps the fastest. One process-wide choice, switched atomically and read once per
// product: a switch while other threads multiply changes their speed, never their bits.
// The core reads no environment variable and prints nothing: a front end that wants an
// override calls gemm_use_kernel() (the CLI does for GANVAS_GEMM_KERNEL).

// Ids of the kernels this CPU runs, widest SIMD first; the last is "plain", the portable
// baseline. Natively on x86: "avx512", "avx2", "sse2", "plain"; wasm: "wasm-simd128", "plain".
std::vector<std::string> gemm_kernels();

struct GemmKernelRate {
    std::string id;      // "avx2"
    double gflops = 0;   // median single-thread GFLOP/s at gemm_seed_shapes()
    int rounds = 0;      // timed rounds (a kernel below half the leader's rate stops early)
};

struct GemmKernelChoice {
    std::string id;    // the kernel gemm() uses: "avx2"
    std::string name;  // for people: "native avx2 6x16"
    // How it was chosen: "timing" (fastest of `rates`), "only" (the build's one SIMD kernel, or
    // plain where none exists: nothing to time), "set" (gemm_use_kernel()).
    std::string how;
    std::vector<GemmKernelRate> rates;  // every kernel timed, in gemm_kernels() order; empty unless timed
    double seconds = 0;                 // what the timing took
};

// How the kernel in use was chosen (chooses it first if no gemm() ran yet).
GemmKernelChoice gemm_kernel_choice();

// Times the kernels again for about `budget_seconds` (at least 3 rounds of the contenders,
// 2 of a kernel at under half the leader's rate) and makes the
// fastest current; returns the new choice. Call it while no other thread is inside gemm()
// if the timings should not be disturbed (bits are never affected).
GemmKernelChoice gemm_choose_kernel(double budget_seconds = 0.05);

// Makes gemm() use kernel `id` from now on; false (and no change) if this CPU cannot run it.
bool gemm_use_kernel(const std::string& id);

// Name of the kernel gemm() uses ("native avx512 8x32"), for benchmarks and logs.
const char* gemm_kernel_name();

// One line for people: "native avx2 6x16 (picked by timing: avx512 59.1, avx2 86.0, sse2 31.0
// GFLOP/s)", "wasm-simd128 2x16 (the build's only SIMD kernel)", "plain 4x16 (set by the caller)".
std::string gemm_kernel_report(const GemmKernelChoice& choice);

}  // namespace ganvas
