// gemm.h - the matrix multiply behind every Linear layer, forward and backward.
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
// absorbs the transpositions. The micro-kernel keeps an MR x NR tile of C in registers:
//   - wasm: 2x16 with WebAssembly SIMD128 intrinsics (wasm_simd128.h);
//   - native, chosen at run time so the binary stays portable (no -march): 8x32 with AVX-512
//     when the CPU has avx512f, else 6x16 with AVX2, else 4x8 with SSE2 (baseline x86-64),
//     all through GCC vector extensions.
// Packing buffers are fixed-size blocks on the stack: no heap allocation, ever.
// Threads (parallel.h): a product big enough to be worth it is split into bands of output
// columns, whole NR panels each, one band per thread; each thread packs its own blocks.
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

// Name of the micro-kernel gemm() uses on this machine, for benchmarks and logs
// ("native avx512 8x32").
const char* gemm_kernel_name();

// Kernel choice, to compare kernels' speeds and bits. Ids: "avx512", "avx2", "sse2" natively,
// "wasm-simd128" in wasm. gemm() uses the best kernel the CPU runs, unless the environment
// variable GANVAS_GEMM_KERNEL names another supported one (read once, at the first gemm()):
//   GANVAS_GEMM_KERNEL=avx2 build/native/cli/ganvas bench --batches 64
// Ids of the kernels this CPU runs, best first; the last is the portable baseline.
std::vector<std::string> gemm_kernels();
// Makes gemm() use kernel `id` from now on; false (and no change) if this CPU cannot run it.
// For tests and benchmarks: call it while no other thread is inside gemm().
bool gemm_use_kernel(const std::string& id);

}  // namespace ganvas
