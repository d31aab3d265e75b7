// gemm_choice.cpp - which micro-kernel gemm() runs: the kernels this CPU has, timed on the
// seed's shapes at first use, or set by the caller. See gemm.h, "Kernel choice".
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "nn/gemm.h"
#include "nn/kernels/micro_kernel.h"

namespace ganvas {

using kernels::MicroKernel;

namespace {

// [SECTION] The kernels this CPU runs

// Every kernel of the build, SIMD families first (widest first), plain last.
struct KernelList {
    const MicroKernel* all[8];
    int count = 0;

    KernelList() {
        for (auto family : {kernels::x86_kernels, kernels::wasm_simd128_kernels}) {
            int n = 0;
            const MicroKernel* k = family(&n);
            for (int i = 0; i < n; ++i) all[count++] = &k[i];
        }
        all[count++] = &kernels::plain_kernel();
    }
};

const KernelList& kernel_list() {
    static const KernelList list;
    return list;
}

const MicroKernel* find_kernel(const std::string& id) {
    const KernelList& list = kernel_list();
    for (int i = 0; i < list.count; ++i)
        if (id == list.all[i]->id && list.all[i]->supported()) return list.all[i];
    return nullptr;
}

std::string kernel_name(const MicroKernel& k) {
    return std::string(k.prefix) + k.id + " " + std::to_string(k.mr) + "x" + std::to_string(k.nr);
}

// [SECTION] Timing

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Rounds of every shape on every candidate kernel, kernels interleaved per shape (their order
// turning each round) so that a slow moment of a shared machine hits them alike. A kernel's
// rate is all the shapes' FLOPs over the sum of its per-shape median times. From the second
// round on, a kernel below half the leader's rate is out (one slow sample can halve a rate on
// a shared machine, two rarely do). Rounds go on until `budget` seconds have passed, at least
// kMinRounds (medians of 3), at most kMaxRounds. On an idle Zen 5 (AVX-512 ~110 GFLOP/s,
// AVX2 ~65, SSE2 ~24) that is ~65 ms: two rounds of all three, then AVX-512 and AVX2.
GemmKernelChoice time_kernels(const std::vector<const MicroKernel*>& candidates, double budget) {
    constexpr int kMinRounds = 3, kMaxRounds = 7;
    const std::vector<GemmShape> shapes = gemm_seed_shapes();
    size_t biggest = 0;
    double flops = 0;
    for (const GemmShape& s : shapes) {
        biggest = std::max({biggest, size_t(s.m) * s.k, size_t(s.k) * s.n, size_t(s.m) * s.n});
        flops += 2.0 * s.m * s.n * s.k;
    }
    std::vector<float> a(biggest), b(biggest), c(biggest);
    for (size_t i = 0; i < biggest; ++i) {  // small values, far from overflow and subnormals
        a[i] = float(int(i % 17) - 8) * 0.0625f;
        b[i] = float(int(i % 13) - 6) * 0.125f;
    }
    auto run = [&](const MicroKernel& k, const GemmShape& s) {
        const int lda = s.op_a == Op::None ? s.k : s.m, ldb = s.op_b == Op::None ? s.n : s.k;
        kernels::gemm_one_thread(k, s.m, s.n, s.k, a.data(), lda, s.op_a, b.data(), ldb, s.op_b, c.data(), s.n,
                                 false);
    };
    const size_t count = candidates.size();
    // seconds[kernel][shape]: one entry per round the kernel took part in.
    std::vector<std::vector<std::vector<double>>> seconds(count, std::vector<std::vector<double>>(shapes.size()));
    std::vector<bool> racing(count, true);
    std::vector<double> rate(count, 0);
    for (const MicroKernel* k : candidates) run(*k, shapes.front());  // warm code and buffers
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    for (int round = 0; round < kMaxRounds && (round < kMinRounds || elapsed < budget); ++round) {
        for (size_t s = 0; s < shapes.size(); ++s)
            for (size_t turn = 0; turn < count; ++turn) {
                const size_t i = (turn + size_t(round)) % count;
                if (!racing[i]) continue;
                const auto t0 = std::chrono::steady_clock::now();
                run(*candidates[i], shapes[s]);
                seconds[i][s].push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            }
        double best = 0;
        for (size_t i = 0; i < count; ++i) {
            if (!racing[i]) continue;
            double total = 0;
            for (const std::vector<double>& t : seconds[i]) total += median(t);
            rate[i] = flops / total * 1e-9;
            best = std::max(best, rate[i]);
        }
        for (size_t i = 0; i < count && round >= 1; ++i)
            if (rate[i] < 0.5 * best) racing[i] = false;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    GemmKernelChoice choice;
    choice.how = "timing";
    choice.seconds = elapsed;
    size_t fastest = 0;
    for (size_t i = 0; i < count; ++i) {
        choice.rates.push_back({candidates[i]->id, rate[i], int(seconds[i].front().size())});
        if (rate[i] > rate[fastest]) fastest = i;
    }
    choice.id = candidates[fastest]->id;
    return choice;
}

// [SECTION] The current kernel

// The one process-wide choice: the kernel (read by every gemm()) and how it was chosen.
struct Current {
    std::atomic<const MicroKernel*> kernel{nullptr};
    std::mutex mutex;  // guards `choice` and the first choosing
    GemmKernelChoice choice;
};

Current& current() {
    static Current c;
    return c;
}

// Times the SIMD kernels this CPU runs (plain only where there is none) and makes the fastest
// current. The caller holds current().mutex.
void choose_locked(double budget) {
    std::vector<const MicroKernel*> candidates;
    const KernelList& list = kernel_list();
    for (int i = 0; i < list.count; ++i)
        if (list.all[i] != &kernels::plain_kernel() && list.all[i]->supported()) candidates.push_back(list.all[i]);
    if (candidates.empty()) candidates.push_back(&kernels::plain_kernel());
    GemmKernelChoice choice;
    if (candidates.size() == 1) {
        choice.id = candidates.front()->id;
        choice.how = "only";
    } else {
        choice = time_kernels(candidates, budget);
    }
    const MicroKernel* k = find_kernel(choice.id);
    choice.name = kernel_name(*k);
    current().choice = choice;
    current().kernel.store(k, std::memory_order_release);
}

}  // namespace

const MicroKernel& kernels::current_kernel() {
    if (const MicroKernel* k = current().kernel.load(std::memory_order_acquire)) return *k;
    std::lock_guard<std::mutex> lock(current().mutex);
    if (!current().kernel.load(std::memory_order_acquire)) choose_locked(0.05);
    return *current().kernel.load(std::memory_order_acquire);
}

// [SECTION] Public functions

std::vector<GemmShape> gemm_linear_shapes(int batch, int in, int out) {
    return {{batch, out, in, Op::None, Op::Transpose},   // forward     out(N,O) = in(N,I) W^T
            {batch, in, out, Op::None, Op::None},        // input grad  d_in(N,I) = d_out(N,O) W
            {out, in, batch, Op::Transpose, Op::None}};  // weight grad dW(O,I) = d_out^T in
}

std::vector<GemmShape> gemm_seed_shapes() {
    std::vector<GemmShape> shapes;
    const int widths[][2] = {{100, 128}, {128, 256}, {256, 512}, {512, 784},  // G
                             {784, 512}, {512, 256}, {256, 1}};               // D
    for (const auto& w : widths)
        for (const GemmShape& s : gemm_linear_shapes(64, w[0], w[1])) shapes.push_back(s);
    return shapes;
}

std::vector<std::string> gemm_kernels() {
    std::vector<std::string> ids;
    const KernelList& list = kernel_list();
    for (int i = 0; i < list.count; ++i)
        if (list.all[i]->supported()) ids.push_back(list.all[i]->id);
    return ids;
}

GemmKernelChoice gemm_kernel_choice() {
    kernels::current_kernel();  // chosen first, if nothing chose yet
    std::lock_guard<std::mutex> lock(current().mutex);
    return current().choice;
}

GemmKernelChoice gemm_choose_kernel(double budget_seconds) {
    std::lock_guard<std::mutex> lock(current().mutex);
    choose_locked(budget_seconds);
    return current().choice;
}

bool gemm_use_kernel(const std::string& id) {
    const MicroKernel* k = find_kernel(id);
    if (!k) return false;
    std::lock_guard<std::mutex> lock(current().mutex);
    current().choice = GemmKernelChoice{k->id, kernel_name(*k), "set", {}, 0};
    current().kernel.store(k, std::memory_order_release);
    return true;
}

const char* gemm_kernel_name() {
    const KernelList& list = kernel_list();
    static const auto names = [&] {  // one per kernel, built once: the pointer stays valid
        std::vector<std::string> n;
        for (int i = 0; i < list.count; ++i) n.push_back(kernel_name(*list.all[i]));
        return n;
    }();
    const MicroKernel* k = &kernels::current_kernel();
    for (int i = 0; i < list.count; ++i)
        if (list.all[i] == k) return names[size_t(i)].c_str();
    return "";
}

std::string gemm_kernel_report(const GemmKernelChoice& choice) {
    std::string out = choice.name;
    if (choice.how == "timing") {
        out += " (picked by timing:";
        char rate[64];
        for (size_t i = 0; i < choice.rates.size(); ++i) {
            std::snprintf(rate, sizeof rate, "%s %s %.1f", i ? "," : "", choice.rates[i].id.c_str(),
                          choice.rates[i].gflops);
            out += rate;
        }
        std::snprintf(rate, sizeof rate, " GFLOP/s, %.0f ms)", choice.seconds * 1e3);
        out += rate;
    } else if (choice.how == "only") {
        out += choice.id == "plain" ? " (no SIMD kernel for this CPU)" : " (the build's only SIMD kernel)";
    } else {
        out += " (set by the caller)";
    }
    return out;
}

}  // namespace ganvas
