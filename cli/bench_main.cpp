// bench_main.cpp - main() of the standalone benchmark (the wasm build's ganvas_bench.js,
// run with node); natively the same options and code are `ganvas bench`.
#include <CLI/CLI.hpp>

#include "cli.h"
#include "gemm_kernel_env.h"  // kernels: GANVAS_GEMM_KERNEL

int main(int argc, char** argv) {
    CLI::App app{"ganvas_bench - training speed of this build (the same as `ganvas bench`)"};
    ganvas_cli::BenchArgs args;
    ganvas_cli::bench_options(app, &args);
    ganvas_cli::apply_gemm_kernel_env();  // GANVAS_GEMM_KERNEL, if set
    const int stop = ganvas_cli::cli_parse(app, argc, argv);
    if (stop >= 0) return stop;
    return ganvas_cli::bench_run(args);
}
