// bench_command.cpp - `ganvas bench`: training speed of this build, as a table or JSON lines.
// Built into the native CLI and, for wasm, into build/wasm/cli/ganvas_bench.js (run by node).
#include <CLI/CLI.hpp>

#include <cstdio>

#include "gan/bench.h"
#include "gan/settings.h"
#include "cli.h"
#include "base/parallel.h"

namespace ganvas_cli {

void bench_options(CLI::App& command, BenchArgs* args) {
    const ganvas::Setting& batch_size = *ganvas::settings_find("batch_size");
    command.footer(
        "Measures training speed: iterations/s (median of N trials after a warm-up), milliseconds per phase,\n"
        "achieved GFLOP/s against the step's FLOP count, and the GEMM kernel's own rate at the model's shapes.");
    command.add_flag("--json", args->json, "one JSON object per line instead of a table");
    command.add_option("--preset", args->preset, "model and optimiser")
        ->capture_default_str()
        ->check(CLI::IsMember(ganvas::gan_config_preset_names()));
    command.add_option("--batches", args->batches, "comma-separated batch sizes")
        ->delimiter(',')
        ->capture_default_str()
        ->check(CLI::Range(int(batch_size.lo), int(batch_size.hi)));
    command.add_option("--threads", args->threads,
                       "comma-separated thread counts (default: 1, and every core if more than one); "
                       "results are bit-identical for any count, only the speed differs")
        ->delimiter(',')
        ->check(CLI::Range(1, ganvas::thread_limit()));
    command.add_option("--trials", args->trials, "timed trials per batch size")->capture_default_str()->check(CLI::Range(5, 100000));
    command.add_option("--steps", args->steps, "training steps per trial")->capture_default_str()->check(CLI::Range(1, 100000));
    command.add_option("--data", args->data_path, "IDX images to train on (default: random pixels; speed does not depend on them)");
}

// The one place the bench prints its results.
int bench_run(const BenchArgs& args) {
    ganvas::BenchOptions options;
    options.preset = args.preset;
    options.trials = args.trials;
    options.steps_per_trial = args.steps;
    std::vector<int> thread_counts = args.threads;
    if (thread_counts.empty()) {
        thread_counts.push_back(1);
        if (ganvas::max_threads() > 1) thread_counts.push_back(ganvas::max_threads());
    }
    const std::vector<int>& batches = args.batches;
    const bool json = args.json;
    const std::string& data_path = args.data_path;
    ganvas::Dataset data;
    if (!data_path.empty()) {
        const ganvas::Status s = ganvas::dataset_load_idx(data_path, "", &data);
        if (!s) {
            std::fprintf(stderr, "ganvas bench: %s\n", s.message.c_str());
            return 1;
        }
    }
    std::vector<ganvas::BenchResult> results;
    for (int batch : batches)
        for (int threads : thread_counts) {
            options.batch = batch;
            options.threads = threads;
            ganvas::BenchResult r;
            const ganvas::Status s = ganvas::bench_run(options, data, &r);
            if (!s) {
                std::fprintf(stderr, "ganvas bench: batch %d: %s\n", batch, s.message.c_str());
                return 2;
            }
            if (json) {
                std::printf("%s\n", ganvas::bench_result_json(r).c_str());
                std::fflush(stdout);
            }
            results.push_back(r);
        }
    if (!json) std::fputs(ganvas::bench_table(results).c_str(), stdout);
    if (!json) std::printf("GEMM kernel: %s\n", ganvas::gemm_kernel_report(ganvas::gemm_kernel_choice()).c_str());
    return 0;
}

}  // namespace ganvas_cli
