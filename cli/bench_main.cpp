// bench_main.cpp - main() of the standalone benchmark (the wasm build's ganvas_bench.js,
// run with node); natively the same code is `ganvas bench`.
#include <string>
#include <vector>

#include "cli.h"
#include "gemm_kernel_env.h"  // kernels: GANVAS_GEMM_KERNEL

int main(int argc, char** argv) {
    ganvas_cli::apply_gemm_kernel_env();  // kernels: the one call
    return ganvas_cli::run_bench(std::vector<std::string>(argv + 1, argv + argc));
}
