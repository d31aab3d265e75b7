// test_parallel.cpp - threads change the speed, never the bits; pools are objects, and two
// threads multiplying at once (a trainer and a sampler) neither wait for nor disturb each other.
//
// Natively this links the threaded core; in the wasm build it links ganvas_core_mt and runs
// under node with Emscripten's pthreads (web workers), like the page's threaded variant.
// Every check is bitwise: splitting a GEMM by output columns leaves each output element one
// sequential sum, so no tolerance is needed or allowed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "io/checkpoint.h"
#include "gan/gan.h"
#include "gan/settings.h"
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

namespace {
// Forward, input-gradient and weight-gradient products of the seed's layers, plus ragged sizes.
const GemmShape kShapes[] = {{64, 512, 784, Op::None, Op::Transpose}, {64, 784, 512, Op::None, Op::None},
                         {512, 784, 64, Op::Transpose, Op::None}, {64, 256, 128, Op::None, Op::Transpose},
                         {37, 333, 129, Op::None, Op::None},      {130, 70, 300, Op::Transpose, Op::Transpose}};

void count_task(void* ctx, int i) { ++(*static_cast<std::vector<int>*>(ctx))[size_t(i)]; }
}  // namespace

// In wasm every worker is one of the Web Workers started with the module (parallel.h): this
// test's pools are destroyed at its end, which hands theirs back for the tests below.
TEST_CASE("A pool runs every task exactly once for any thread and task count", "[parallel]") {
    INFO("max_threads() = " << max_threads());
    REQUIRE(max_threads() >= 1);
    CHECK(max_threads() <= thread_limit());
    ThreadPool pool;
    CHECK(pool.threads() == 1);
    CHECK(pool.set_threads(0) == 1);
    CHECK(pool.set_threads(1000) == thread_limit());
    for (int t = 1; t <= 4; ++t) {
        CHECK(pool.set_threads(t) == std::min(t, thread_limit()));
        CHECK(pool.threads() == std::min(t, thread_limit()));
        for (int tasks : {0, 1, 2, 3, 7, 64}) {
            std::vector<int> runs(size_t(tasks), 0);
            pool.run(tasks, count_task, &runs);
            for (int i = 0; i < tasks; ++i) CHECK(runs[size_t(i)] == 1);
        }
    }
    // The free functions work on the calling thread's pool: the installed one, or none.
    {
        const ScopedPool use(&pool);
        CHECK(current_pool() == &pool);
        CHECK(threads() == pool.threads());
        std::vector<int> runs(9, 0);
        parallel_run(9, count_task, &runs);
        CHECK(std::count(runs.begin(), runs.end(), 1) == 9);
        {
            const ScopedPool alone(nullptr);
            CHECK(current_pool() == nullptr);
            CHECK(threads() == 1);
            parallel_run(9, count_task, &runs);
            CHECK(std::count(runs.begin(), runs.end(), 2) == 9);
        }
        CHECK(current_pool() == &pool);
    }
    CHECK(current_pool() == &default_pool());
}

TEST_CASE("gemm gives the same bits on 1, 2 and 3 threads at the model's shapes", "[parallel][gemm]") {
    for (const GemmShape& s : kShapes)
        for (bool accumulate : {false, true}) {
            std::vector<float> one;
            {
                const ScopedPool alone(nullptr);
                one = product(s.m, s.n, s.k, s.op_a, s.op_b, accumulate);
            }
            for (int t : {1, 2, 3}) {
                ThreadPool pool(t);
                const ScopedPool use(&pool);
                INFO(s.m << "x" << s.n << "x" << s.k << " on " << threads() << " threads, accumulate " << accumulate);
                const std::vector<float> many = product(s.m, s.n, s.k, s.op_a, s.op_b, accumulate);
                CHECK(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)) == 0);
            }
        }
}

namespace {
// `pools[i]` is installed on thread i (nullptr: none); all threads start together and run
// every shape `rounds` times. Returns, per thread, how many products differed from `want`.
std::vector<int> concurrent_mismatches(const std::vector<ThreadPool*>& pools,
                                       const std::vector<std::vector<float>>& want, int rounds) {
    std::vector<int> mismatches(pools.size(), 0);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (size_t t = 0; t < pools.size(); ++t)
        threads.emplace_back([&, t] {
            const ScopedPool use(pools[t]);
            ready.fetch_add(1);
            while (ready.load() < int(pools.size())) std::this_thread::yield();
            for (int r = 0; r < rounds; ++r)
                for (size_t i = 0; i < std::size(kShapes); ++i) {
                    const GemmShape& s = kShapes[i];
                    const std::vector<float> got = product(s.m, s.n, s.k, s.op_a, s.op_b, true);
                    if (std::memcmp(got.data(), want[i].data(), got.size() * sizeof(float)) != 0) ++mismatches[t];
                }
        });
    for (std::thread& t : threads) t.join();
    return mismatches;
}

std::vector<std::vector<float>> one_thread_products() {
    const ScopedPool alone(nullptr);
    std::vector<std::vector<float>> want;
    for (const GemmShape& s : kShapes) want.push_back(product(s.m, s.n, s.k, s.op_a, s.op_b, true));
    return want;
}
}  // namespace

// A trainer on its own pool while another thread (a sample-grid refresh, an evaluation) runs
// GEMMs with no pool, on its own stack: neither waits for the other, both get one thread's bits.
TEST_CASE("Two threads multiply at once, one on a pool of 2 and one with none: one thread's bits", "[parallel][gemm]") {
    const std::vector<std::vector<float>> want = one_thread_products();
    ThreadPool pool(2);
    const std::vector<int> mismatches = concurrent_mismatches({&pool, nullptr}, want, 4);
    CHECK(mismatches[0] == 0);
    CHECK(mismatches[1] == 0);
}

// Two threads asking one pool at once: whichever finds it taken runs its product alone.
TEST_CASE("Two threads sharing a pool of 2 at once still get one thread's bits", "[parallel][gemm]") {
    const std::vector<std::vector<float>> want = one_thread_products();
    ThreadPool pool(2);
    const std::vector<int> mismatches = concurrent_mismatches({&pool, &pool}, want, 4);
    CHECK(mismatches[0] == 0);
    CHECK(mismatches[1] == 0);
}

// The rule behind both: a pool busy with one thread's job runs another thread's tasks on that
// thread, at once, instead of waiting for it or mixing the two jobs.
TEST_CASE("A pool busy with one thread's job runs another thread's tasks on the caller", "[parallel]") {
    ThreadPool pool(2);
    struct Hold {
        std::atomic<bool> started{false}, release{false};
    } hold;
    std::thread holder([&] {
        pool.run(2, [](void* ctx, int) {
            Hold& h = *static_cast<Hold*>(ctx);
            h.started = true;
            while (!h.release) std::this_thread::yield();
        }, &hold);
    });
    while (!hold.started) std::this_thread::yield();
    struct Seen {
        std::thread::id ids[3];
    } seen;
    pool.run(3, [](void* ctx, int i) { static_cast<Seen*>(ctx)->ids[i] = std::this_thread::get_id(); }, &seen);
    hold.release = true;  // the holder's job was held all along: ours ran beside it
    holder.join();
    for (const std::thread::id& id : seen.ids) CHECK(id == std::this_thread::get_id());
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

TEST_CASE("spectral_norm, minibatch_stddev, spectral_norm under the penalties, dcgan: 2 threads give 1 thread's bits",
          "[parallel][determinism][spectral][mbstd]") {
    OneThreadAfter restore;
    const std::vector<std::vector<std::pair<const char*, const char*>>> cases = {
        {{"spectral_norm", "true"}, {"minibatch_stddev", "true"}},
        {{"spectral_norm", "true"}, {"objective", "wgan-gp"}, {"r1_gamma", "1"}},
        {{"arch", "dcgan"}, {"g_hidden", "64,32"}, {"d_hidden", "32,64"}},
        {{"arch", "dcgan"}, {"g_hidden", "64,32"}, {"d_hidden", "32,64"}, {"objective", "wgan-gp"}, {"r1_gamma", "1"}},
    };
    for (const auto& settings : cases) {
        GanConfig c = ganvas_test::seed_config();
        for (const auto& kv : settings) REQUIRE(settings_set_text(&c, kv.first, kv.second).ok);
        std::vector<uint8_t> checkpoints[2];
        for (int t = 1; t <= 2; ++t) {
            set_threads(t);
            Gan gan(c, 1);
            for (int i = 0; i < 6; ++i) gan.train_step(ganvas_test::mnist());
            checkpoints[t - 1] = checkpoint_serialize(gan);
        }
        INFO(settings.front().first << " with " << settings.back().first << ", trained on " << threads() << " threads");
        CHECK(checkpoints[0] == checkpoints[1]);
    }
}
