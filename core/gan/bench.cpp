// bench.cpp - see bench.h.
#include "gan/bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "nn/gemm.h"
#include "base/parallel.h"

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
    struct Shape { int m, n, k; Op op_a, op_b; };
    std::vector<Shape> shapes;
    const int b = config.batch_size;
    for (const auto& layers : {generator_layers(config), discriminator_layers(config)})
        for (const LayerGemm& g : sequential_gemms(layers, b))  // from the layer records
            shapes.push_back({g.m, g.n, g.k, g.transpose_a ? Op::Transpose : Op::None, g.transpose_b ? Op::Transpose : Op::None});
    size_t biggest = 0;
    for (const Shape& s : shapes) biggest = std::max({biggest, size_t(s.m) * s.k, size_t(s.k) * s.n, size_t(s.m) * s.n});
    std::vector<float> a(biggest, 0.5f), bm(biggest, 0.25f), c(biggest);
    double flops = 0;
    for (const Shape& s : shapes) flops += 2.0 * s.m * s.n * s.k;
    std::vector<double> rates;
    for (int t = 0; t < trials + 1; ++t) {  // round 0 warms caches and is dropped
        const auto t0 = std::chrono::steady_clock::now();
        for (const Shape& s : shapes) {
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

std::string bench_result_json(const BenchResult& r) {
    char buf[768];
    std::snprintf(buf, sizeof buf,
                  "{\"config\":\"%s\",\"batch\":%d,\"threads\":%d,\"iters_per_sec\":%.2f,\"gflops\":%.2f,"
                  "\"gemm_gflops\":%.2f,\"kernel\":\"%s\",\"mflop_per_step\":%.1f,\"ms_data\":%.3f,"
                  "\"ms_g_forward\":%.3f,\"ms_d_forward\":%.3f,\"ms_d_backward\":%.3f,\"ms_g_backward\":%.3f,"
                  "\"ms_optimizer\":%.3f,\"ms_other\":%.3f}",
                  r.config.c_str(), r.batch, r.threads, r.iters_per_sec, r.gflops, r.gemm_gflops, r.kernel.c_str(),
                  r.mflop_per_step, r.ms_data, r.ms_g_forward, r.ms_d_forward, r.ms_d_backward, r.ms_g_backward,
                  r.ms_optimizer, r.ms_other);
    return buf;
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
