// test_gemm.cpp - the packed matrix multiply against a plain triple loop, for every
// transposition case, sizes that are and are not multiples of the tiles and blocks, and
// accumulation. Tolerance: float32 sums of up to 700 products of values in [-1, 1] differ
// from a double-precision reference by ~sqrt(K) * 6e-8 * |terms|; 1e-4 absolute is ample
// and a wrong index or a missed tile gives errors of order 1.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "nn/gemm.h"
#include "test_support.h"

using namespace ganvas;

namespace {
double reference(int i, int j, int k, const std::vector<float>& a, int lda, Op op_a, const std::vector<float>& b,
                 int ldb, Op op_b) {
    double s = 0;
    for (int p = 0; p < k; ++p) {
        const float x = op_a == Op::None ? a[size_t(i) * lda + p] : a[size_t(p) * lda + i];
        const float y = op_b == Op::None ? b[size_t(p) * ldb + j] : b[size_t(j) * ldb + p];
        s += double(x) * y;
    }
    return s;
}
}  // namespace

TEST_CASE("gemm matches a triple loop for every transposition and awkward sizes", "[gemm]") {
    INFO("kernel: " << gemm_kernel_name());
    const int shapes[][3] = {{1, 1, 1}, {7, 13, 5}, {64, 128, 100}, {64, 784, 512}, {73, 17, 300},
                             {5, 600, 3}, {130, 9, 257}, {64, 1, 256}, {3, 2, 0}};
    for (const auto& s : shapes) {
        const int m = s[0], n = s[1], k = s[2];
        for (Op op_a : {Op::None, Op::Transpose}) {
            for (Op op_b : {Op::None, Op::Transpose}) {
                const int lda = (op_a == Op::None ? k : m) + 3;  // padded rows: ld > width
                const int ldb = (op_b == Op::None ? n : k) + 1;
                const int ldc = n + 2;
                const auto a = ganvas_test::random_values(size_t(op_a == Op::None ? m : k) * lda + 1, 1);
                const auto b = ganvas_test::random_values(size_t(op_b == Op::None ? k : n) * ldb + 1, 2);
                std::vector<float> c(size_t(m) * ldc, 0.5f);
                for (bool accumulate : {false, true}) {
                    std::fill(c.begin(), c.end(), 0.5f);
                    gemm(m, n, k, a.data(), lda, op_a, b.data(), ldb, op_b, c.data(), ldc, accumulate);
                    double worst = 0;
                    for (int i = 0; i < m; ++i)
                        for (int j = 0; j < n; ++j) {
                            const double want = reference(i, j, k, a, lda, op_a, b, ldb, op_b) + (accumulate ? 0.5 : 0.0);
                            worst = std::fmax(worst, std::fabs(c[size_t(i) * ldc + j] - want));
                        }
                    // Padding between rows is never written.
                    for (int i = 0; i < m; ++i) REQUIRE(c[size_t(i) * ldc + n] == 0.5f);
                    INFO("m " << m << " n " << n << " k " << k << " op_a " << int(op_a) << " op_b " << int(op_b)
                              << " accumulate " << accumulate << " largest error " << worst);
                    CHECK(worst < 1e-4);
                }
            }
        }
    }
}

namespace {
// Makes the kernel that was in use when it was built current again when it goes out of scope.
struct RestoreKernel {
    std::string name = gemm_kernel_name();
    ~RestoreKernel() {
        for (const std::string& id : gemm_kernels())
            if (gemm_use_kernel(id) && name == gemm_kernel_name()) return;
    }
};
}  // namespace

// Bit-identity is the contract (gemm.h): a run must replay exactly on any CPU and in wasm.
// The pinned hashes of test_determinism check it for the default kernel; this checks every
// kernel the CPU has, on the products of a training step (seed model, batch 64 and a ragged
// 37) in every transposition case, and on sizes that leave partial tiles and K blocks.
// The baseline is the plain-loop kernel (nn/kernels/plain.cpp), what a CPU without a SIMD
// kernel runs: forcing it here shows such a build gives the same bits.
TEST_CASE("every kernel gives the same bits as the plain-loop baseline", "[gemm]") {
    const RestoreKernel restore;
    const std::vector<std::string> kernels = gemm_kernels();
    const std::string baseline = kernels.back();
    INFO("kernels: " << kernels.size() << ", baseline " << baseline);
    REQUIRE(baseline == "plain");
#if defined(__x86_64__) || defined(__wasm_simd128__)
    REQUIRE(kernels.size() >= 2);  // a SIMD kernel to compare with: SSE2 is baseline x86-64
#endif
    std::vector<std::array<int, 3>> shapes = {{1, 1, 1}, {7, 13, 5}, {73, 17, 300}, {130, 9, 257}, {9, 70, 600}};
    const ganvas::GanConfig config;  // the seed model
    for (int batch : {64, 37})
        for (const auto& layers : {generator_layers(config), discriminator_layers(config)})
            for (const LayerGemm& g : sequential_gemms(layers, batch))  // forward, input and weight grads
                shapes.push_back({g.shape.m, g.shape.n, g.shape.k});
    for (const auto& s : shapes) {
        const int m = s[0], n = s[1], k = s[2];
        for (Op op_a : {Op::None, Op::Transpose})
            for (Op op_b : {Op::None, Op::Transpose}) {
                const int lda = op_a == Op::None ? k : m, ldb = op_b == Op::None ? n : k;
                const auto a = ganvas_test::random_values(size_t(m) * k, 3);
                const auto b = ganvas_test::random_values(size_t(k) * n, 4);
                const auto c0 = ganvas_test::random_values(size_t(m) * n, 5);
                for (bool accumulate : {false, true}) {
                    auto run = [&](const std::string& id) {
                        REQUIRE(gemm_use_kernel(id));
                        std::vector<float> c = c0;
                        gemm(m, n, k, a.data(), lda, op_a, b.data(), ldb, op_b, c.data(), n, accumulate);
                        return c;
                    };
                    const std::vector<float> want = run(baseline);
                    for (const std::string& id : kernels) {
                        const std::vector<float> got = run(id);
                        INFO("kernel " << id << " m " << m << " n " << n << " k " << k << " op_a " << int(op_a)
                                       << " op_b " << int(op_b) << " accumulate " << accumulate);
                        CHECK(std::memcmp(got.data(), want.data(), sizeof(float) * want.size()) == 0);
                    }
                }
            }
    }
}

TEST_CASE("The timed kernel choice is the fastest kernel measured, reported as data", "[gemm]") {
    const RestoreKernel restore;
    const std::vector<std::string> kernels = gemm_kernels();
    const size_t simd = kernels.size() - 1;  // all but plain
    const GemmKernelChoice choice = gemm_choose_kernel(0.02);
    INFO(gemm_kernel_report(choice));
    CHECK(choice.name == gemm_kernel_name());
    if (simd <= 1) {  // wasm (one SIMD kernel) or a CPU with none: nothing to time
        CHECK(choice.how == "only");
        CHECK(choice.id == kernels.front());
        CHECK(choice.rates.empty());
        return;
    }
    CHECK(choice.how == "timing");
    REQUIRE(choice.rates.size() == simd);
    double best = 0;
    for (size_t i = 0; i < simd; ++i) {
        CHECK(choice.rates[i].id == kernels[i]);
        CHECK(choice.rates[i].gflops > 0);
        CHECK(choice.rates[i].rounds >= 1);
        best = std::max(best, choice.rates[i].gflops);
    }
    for (const GemmKernelRate& r : choice.rates)
        if (r.id == choice.id) CHECK(r.gflops == best);
    CHECK(choice.seconds > 0);
    CHECK(choice.seconds < 2.0);  // bounded: about the budget, one round at the least
    CHECK(gemm_kernel_report(choice).find("picked by timing: " + kernels.front() + " ") != std::string::npos);
    CHECK(gemm_kernel_choice().id == choice.id);
}

TEST_CASE("gemm_use_kernel sets a kernel the CPU runs and refuses others", "[gemm]") {
    const RestoreKernel restore;
    const std::string before = gemm_kernel_name();
    CHECK_FALSE(gemm_use_kernel("no-such-kernel"));
    CHECK(before == gemm_kernel_name());
    REQUIRE(gemm_use_kernel("plain"));
    const GemmKernelChoice choice = gemm_kernel_choice();
    CHECK(choice.id == "plain");
    CHECK(choice.how == "set");
    CHECK(choice.name == "plain 4x16");
    CHECK(std::string(gemm_kernel_name()) == "plain 4x16");
}

TEST_CASE("The kernels are timed on the seed model's products at batch 64", "[gemm]") {
    std::vector<GemmShape> want;
    const ganvas::GanConfig config;  // the seed model
    for (const auto& layers : {generator_layers(config), discriminator_layers(config)})
        for (const LayerGemm& g : sequential_gemms(layers, 64)) want.push_back(g.shape);  // from the records
    const std::vector<GemmShape> got = gemm_seed_shapes();
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        INFO("product " << i);
        CHECK(got[i].m == want[i].m);
        CHECK(got[i].n == want[i].n);
        CHECK(got[i].k == want[i].k);
        CHECK(got[i].op_a == want[i].op_a);
        CHECK(got[i].op_b == want[i].op_b);
    }
    // The forward product of D's first layer: out(64,512) = in(64,784) W(512,784)^T.
    CHECK(want[12].m == 64);
    CHECK(want[12].n == 512);
    CHECK(want[12].k == 784);
    CHECK(want[12].op_b == Op::Transpose);
}
