// test_parallel.cpp - threads change the speed, never the bits.
//
// Natively this links the threaded core; in the wasm build it links ganvas_core_mt and runs
// under node with Emscripten's pthreads (web workers), like the page's threaded variant.
// Every check is bitwise: splitting a GEMM by output columns leaves each output element one
// sequential sum, so no tolerance is needed or allowed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "io/checkpoint.h"
#include "gan/gan.h"
#include "nn/gemm.h"
#include "base/parallel.h"
#include "test_support.h"

using namespace ganvas;

namespace {

// Restores one thread when a test ends, whatever it set.
struct OneThreadAfter {
    ~OneThreadAfter() { set_threads(1); }
};

std::vector<float> product(int m, int n, int k, Op op_a, Op op_b, bool accumulate) {
    std::vector<float> a(size_t(m) * k), b(size_t(k) * n), c(size_t(m) * n);
    Rng rng(3, 4);
    for (float& x : a) x = rng.uniform(-1.0f, 1.0f);
    for (float& x : b) x = rng.uniform(-1.0f, 1.0f);
    for (float& x : c) x = rng.uniform(-1.0f, 1.0f);
    const int lda = op_a == Op::None ? k : m, ldb = op_b == Op::None ? n : k;
    gemm(m, n, k, a.data(), lda, op_a, b.data(), ldb, op_b, c.data(), n, accumulate);
    return c;
}

}  // namespace

TEST_CASE("The pool runs every task exactly once for any thread and task count", "[parallel]") {
    OneThreadAfter restore;
    INFO("max_threads() = " << max_threads());
    REQUIRE(max_threads() >= 1);
    CHECK(set_threads(0) == 1);
    CHECK(set_threads(1000) == thread_limit());
    CHECK(max_threads() <= thread_limit());
    for (int t = 1; t <= 4; ++t) {
        CHECK(set_threads(t) == std::min(t, thread_limit()));
        for (int tasks : {0, 1, 2, 3, 7, 64}) {
            std::vector<int> runs(size_t(tasks), 0);
            parallel_run(tasks, [](void* ctx, int i) { ++(*static_cast<std::vector<int>*>(ctx))[size_t(i)]; }, &runs);
            for (int i = 0; i < tasks; ++i) CHECK(runs[size_t(i)] == 1);
        }
    }
}

TEST_CASE("gemm gives the same bits on 1, 2 and 3 threads at the model's shapes", "[parallel][gemm]") {
    OneThreadAfter restore;
    struct Shape { int m, n, k; Op op_a, op_b; };
    // Forward, input-gradient and weight-gradient products of the seed's layers, plus ragged sizes.
    const Shape shapes[] = {{64, 512, 784, Op::None, Op::Transpose}, {64, 784, 512, Op::None, Op::None},
                            {512, 784, 64, Op::Transpose, Op::None}, {64, 256, 128, Op::None, Op::Transpose},
                            {37, 333, 129, Op::None, Op::None},      {130, 70, 300, Op::Transpose, Op::Transpose}};
    for (const Shape& s : shapes)
        for (bool accumulate : {false, true}) {
            set_threads(1);
            const std::vector<float> one = product(s.m, s.n, s.k, s.op_a, s.op_b, accumulate);
            for (int t : {2, 3}) {
                set_threads(t);
                INFO(s.m << "x" << s.n << "x" << s.k << " on " << threads() << " threads, accumulate " << accumulate);
                const std::vector<float> many = product(s.m, s.n, s.k, s.op_a, s.op_b, accumulate);
                CHECK(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)) == 0);
            }
        }
}

TEST_CASE("Twenty training steps on 2 threads give the checkpoint of 1 thread", "[parallel][determinism]") {
    OneThreadAfter restore;
    set_threads(1);
    Gan one(ganvas_test::seed_config(), 1);
    for (int i = 0; i < 20; ++i) one.train_step(ganvas_test::mnist());
    set_threads(2);
    Gan two(ganvas_test::seed_config(), 1);
    for (int i = 0; i < 20; ++i) two.train_step(ganvas_test::mnist());
    std::printf("[parallel] %d hardware threads; trained on %d\n", max_threads(), threads());
    CHECK(checkpoint_serialize(one) == checkpoint_serialize(two));
}
