// bench_command.cpp - `ganvas bench`: training speed of this build, as a table or JSON lines.
// Built into the native CLI and, for wasm, into build/wasm/cli/ganvas_bench.js (run by node).
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "gan/bench.h"
#include "cli.h"
#include "base/parallel.h"

namespace ganvas_cli {

static const char* kBenchUsage =
    "usage: ganvas bench [--json] [--preset NAME] [--batches 64,32,128,256] [--threads 1,N] [--trials N]\n"
    "                    [--steps N] [--data IMAGES.idx]\n"
    "\n"
    "Measures training speed: iterations/s (median of N trials after a warm-up),\n"
    "milliseconds per phase, achieved GFLOP/s against the step's FLOP count, and the GEMM kernel's\n"
    "own rate at the model's shapes.\n"
    "\n"
    "options:\n"
    "  --json          one JSON object per line instead of a table\n"
    "  --preset NAME   model and optimiser (default: seed)\n"
    "  --batches LIST  comma-separated batch sizes (default: 64,32,128,256)\n"
    "  --threads LIST  comma-separated thread counts (default: 1, and every core if more than one);\n"
    "                  results are bit-identical for any count, only the speed differs\n"
    "  --trials N      timed trials per batch size, at least 5 (default: 7)\n"
    "  --steps N       training steps per trial (default: 10)\n"
    "  --data FILE     IDX images to train on (default: random pixels; speed does not depend on them)\n";

int run_bench(const std::vector<std::string>& args) {
    ganvas::BenchOptions options;
    options.trials = 7;
    bool json = false;
    std::vector<int> batches = {64, 32, 128, 256};
    std::vector<int> thread_counts = {1};
    if (ganvas::max_threads() > 1) thread_counts.push_back(ganvas::max_threads());
    std::string data_path;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            std::fputs(kBenchUsage, stdout);
            return 0;
        }
        if (a == "--json") {
            json = true;
            continue;
        }
        if (i + 1 >= args.size()) {
            std::fprintf(stderr, "ganvas bench: '%s' needs a value (or is unknown)\n\n%s", a.c_str(), kBenchUsage);
            return 2;
        }
        const std::string& v = args[++i];
        if (a == "--preset") {
            options.preset = v;
        } else if (a == "--data") {
            data_path = v;
        } else if (a == "--trials" || a == "--steps") {
            const int n = std::atoi(v.c_str());
            if (n < (a == "--trials" ? 5 : 1) || n > 100000) {
                std::fprintf(stderr, "ganvas bench: %s must be %s\n", a.c_str(), a == "--trials" ? "5 or more" : "1 or more");
                return 2;
            }
            (a == "--trials" ? options.trials : options.steps_per_trial) = n;
        } else if (a == "--batches" || a == "--threads") {
            std::vector<int>& list = a == "--batches" ? batches : thread_counts;
            list.clear();
            std::stringstream items(v);
            std::string item;
            while (std::getline(items, item, ',')) {
                const int n = std::atoi(item.c_str());
                if (n < 1 || (a == "--threads" && n > ganvas::thread_limit())) {
                    std::fprintf(stderr, "ganvas bench: bad %s entry '%s'\n", a.c_str(), item.c_str());
                    return 2;
                }
                list.push_back(n);
            }
        } else {
            std::fprintf(stderr, "ganvas bench: unknown option %s\n\n%s", a.c_str(), kBenchUsage);
            return 2;
        }
    }
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
