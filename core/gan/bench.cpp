// bench.cpp - see bench.h.
#include "gan/bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <memory>

#include <nlohmann/json.hpp>

#include "base/parallel.h"
#include "nn/gemm.h"

namespace ganvas {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// GFLOP/s of gemm() over every product a training step performs (forward, input gradient,
// weight gradient of each layer of G and D), median of `trials` rounds.
double gemm_rate(const GanConfig& config, int trials) {
    std::vector<GemmShape> shapes;
    for (const auto& layers : {generator_layers(config), discriminator_layers(config)})
        for (const LayerGemm& g : sequential_gemms(layers, config.batch_size)) shapes.push_back(g.shape);  // from the records
    size_t biggest = 0;
    for (const GemmShape& s : shapes) biggest = std::max({biggest, size_t(s.m) * s.k, size_t(s.k) * s.n, size_t(s.m) * s.n});
    std::vector<float> a(biggest, 0.5f), bm(biggest, 0.25f), c(biggest);
    double flops = 0;
    for (const GemmShape& s : shapes) flops += 2.0 * s.m * s.n * s.k;
    std::vector<double> rates;
    for (int t = 0; t < trials + 1; ++t) {  // round 0 warms caches and is dropped
        const auto t0 = std::chrono::steady_clock::now();
        for (const GemmShape& s : shapes) {
            const int lda = s.op_a == Op::None ? s.k : s.m, ldb = s.op_b == Op::None ? s.n : s.k;
            gemm(s.m, s.n, s.k, a.data(), lda, s.op_a, bm.data(), ldb, s.op_b, c.data(), s.n, false);
        }
        if (t > 0) rates.push_back(flops / seconds_since(t0) * 1e-9);
    }
    return median(rates);
}

}  // namespace

Status bench_run(const BenchOptions& options, const Dataset& data, BenchResult* out) {
    GanConfig config;
    if (!gan_config_preset(options.preset, &config)) return Status::failure("unknown preset '" + options.preset + "'");
    config.batch_size = options.batch;
    if (Status s = gan_config_validate(config); !s) return s;
    if (options.trials < 1 || options.steps_per_trial < 1 || options.warmup_steps < 0)
        return Status::failure("the benchmark needs at least 1 trial of at least 1 step");

    Dataset random_data;
    const Dataset* train_data = &data;
    if (data.count < options.batch) {  // no (or too little) data: random pixels
        random_data.count = std::max(options.batch * 4, 256);
        random_data.rows = random_data.cols = 28;
        random_data.pixels.resize(size_t(random_data.count) * 784);
        Rng rng(7, 7);
        for (uint8_t& p : random_data.pixels) p = uint8_t(rng.below(256));
        train_data = &random_data;
    }

    // The thread count for this run only; the caller's is back in place when we return.
    struct ThreadScope {
        int previous = threads();
        explicit ThreadScope(int n) { set_threads(n); }
        ~ThreadScope() { set_threads(previous); }
    } thread_scope(options.threads);

    auto gan = std::make_unique<Gan>(config, 1);
    for (int i = 0; i < options.warmup_steps; ++i) gan->train_step(*train_data);
    std::vector<double> step_seconds;
    std::vector<StepTimings> phases;
    for (int t = 0; t < options.trials; ++t) {
        gan->reset_timings();
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < options.steps_per_trial; ++i) gan->train_step(*train_data);
        step_seconds.push_back(seconds_since(t0) / options.steps_per_trial);
        phases.push_back(gan->timings());
    }
    const double median_step = median(step_seconds);
    const size_t median_trial =
        size_t(std::min_element(step_seconds.begin(), step_seconds.end(),
                                [&](double x, double y) { return std::abs(x - median_step) < std::abs(y - median_step); }) -
               step_seconds.begin());
    const StepTimings& p = phases[median_trial];
    const double per_step_ms = 1000.0 / double(p.steps);

    BenchResult r;
    r.config = options.preset;
    r.batch = options.batch;
    r.threads = threads();
    r.iters_per_sec = 1.0 / median_step;
    r.mflop_per_step = gan_step_flops(config) * 1e-6;
    r.gflops = r.mflop_per_step * 1e-3 / median_step;
    r.kernel = gemm_kernel_name();
    r.kernel_choice = gemm_kernel_choice();
    r.ms_data = p.data * per_step_ms;
    r.ms_g_forward = p.g_forward * per_step_ms;
    r.ms_d_forward = p.d_forward * per_step_ms;
    r.ms_d_backward = p.d_backward * per_step_ms;
    r.ms_g_backward = p.g_backward * per_step_ms;
    r.ms_optimizer = p.optimizer * per_step_ms;
    r.ms_other = std::max(0.0, step_seconds[median_trial] * 1000.0 - (r.ms_data + r.ms_g_forward + r.ms_d_forward +
                                                                      r.ms_d_backward + r.ms_g_backward + r.ms_optimizer));
    r.gemm_gflops = gemm_rate(config, options.trials);
    *out = r;
    return Status::success();
}

namespace {
// x rounded to `decimals` places, as the figures are printed (a benchmark is not that exact).
double rounded(double x, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(x * scale) / scale;
}
}  // namespace

std::string bench_result_json(const BenchResult& r) {
    nlohmann::ordered_json j;
    j["config"] = r.config;
    j["batch"] = r.batch;
    j["threads"] = r.threads;
    j["iters_per_sec"] = rounded(r.iters_per_sec, 2);
    j["gflops"] = rounded(r.gflops, 2);
    j["gemm_gflops"] = rounded(r.gemm_gflops, 2);
    j["kernel"] = r.kernel;
    j["mflop_per_step"] = rounded(r.mflop_per_step, 1);
    const std::pair<const char*, double> phases[] = {
        {"ms_data", r.ms_data},           {"ms_g_forward", r.ms_g_forward},   {"ms_d_forward", r.ms_d_forward},
        {"ms_d_backward", r.ms_d_backward}, {"ms_g_backward", r.ms_g_backward}, {"ms_optimizer", r.ms_optimizer},
        {"ms_other", r.ms_other}};
    for (const auto& [key, ms] : phases) j[key] = rounded(ms, 3);
    nlohmann::ordered_json rates = nlohmann::ordered_json::array();
    for (const GemmKernelRate& k : r.kernel_choice.rates)
        rates.push_back({{"id", k.id}, {"gflops", rounded(k.gflops, 1)}, {"rounds", k.rounds}});
    j["kernel_choice"] = {{"id", r.kernel_choice.id}, {"how", r.kernel_choice.how}, {"rates", rates}};
    return j.dump();
}

std::string bench_table(const std::vector<BenchResult>& results) {
    std::string out =
        "config  batch thr   it/s  GFLOP/s  GEMM GF/s |  ms: data  G fwd  D fwd  D bwd  G bwd   Adam  other | kernel\n";
    for (const BenchResult& r : results) {
        char row[256];
        std::snprintf(row, sizeof row,
                      "%-7s %5d %3d %6.1f %8.1f %10.1f | %9.2f %6.2f %6.2f %6.2f %6.2f %6.2f %6.2f | %s\n",
                      r.config.c_str(), r.batch, r.threads, r.iters_per_sec, r.gflops, r.gemm_gflops, r.ms_data,
                      r.ms_g_forward, r.ms_d_forward, r.ms_d_backward, r.ms_g_backward, r.ms_optimizer, r.ms_other,
                      r.kernel.c_str());
        out += row;
    }
    return out;
}

}  // namespace ganvas
