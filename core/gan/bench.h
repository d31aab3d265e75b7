// bench.h - how fast this build trains: iterations/s, time per phase, achieved GFLOP/s, and
// the raw GEMM rate of the build's kernel at the model's shapes.
//
// One implementation for every front end: `ganvas bench` natively, the same code under node
// (build/wasm/cli/ganvas_bench.js) and in the page (window.ganvas.bench()).
// Figures are medians over trials after a warm-up, because the machines we run on are shared.
#pragma once

#include <string>
#include <vector>

#include "gan/gan.h"
#include "io/dataset.h"
#include "nn/gemm.h"

namespace ganvas {

struct BenchOptions {
    std::string preset = "seed";
    int batch = 64;
    int threads = 1;          // clamped to max_threads() (parallel.h); restored afterwards
    int warmup_steps = 5;
    int trials = 5;           // at least 5: the median is reported
    int steps_per_trial = 10;
};

struct BenchResult {
    std::string config;  // preset name
    int batch = 0;
    int threads = 1;           // threads actually used
    double iters_per_sec = 0;  // median over trials
    double gflops = 0;         // gan_step_flops / median step time
    double gemm_gflops = 0;    // the kernel alone at the model's shapes (median)
    std::string kernel;        // gemm_kernel_name()
    GemmKernelChoice kernel_choice;  // how that kernel was chosen (nn/gemm.h)
    // Milliseconds per step by phase, from the median trial.
    double ms_data = 0, ms_g_forward = 0, ms_d_forward = 0, ms_d_backward = 0, ms_g_backward = 0,
           ms_optimizer = 0, ms_other = 0;
    double mflop_per_step = 0;
};

// `data` may be empty: the benchmark then trains on random bytes (speed does not depend on
// the pixels). Returns false with a reason for an unknown preset or an invalid batch.
Status bench_run(const BenchOptions& options, const Dataset& data, BenchResult* out);

// One JSON object on one line: config, batch, threads, iters_per_sec, gflops, gemm_gflops,
// kernel, mflop_per_step, the ms_* phases, and kernel_choice: {"id", "how", "rates": [{"id",
// "gflops"}, ...]} (gemm_kernel_choice()).
std::string bench_result_json(const BenchResult& r);
// A human-readable table (header + one row per result).
std::string bench_table(const std::vector<BenchResult>& results);

}  // namespace ganvas
