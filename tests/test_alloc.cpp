// test_alloc.cpp - a steady-state training step performs no heap allocation.
//
// Every heap allocation is counted: C++ `new` by replacing the global operator new here,
// and C `malloc` (Eigen's aligned_malloc uses it) by linking with --wrap=malloc, which
// routes the malloc calls made from the core's and the tests' object files through
// __wrap_malloc below.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "gan/gan.h"
#include "base/parallel.h"
#include "test_support.h"

namespace {
std::atomic<long> g_allocations{0};
}

extern "C" void* __real_malloc(size_t size);
extern "C" void* __wrap_malloc(size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return __real_malloc(size);
}

void* operator new(size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

using namespace ganvas;

TEST_CASE("A steady-state training step does not allocate", "[gan][alloc]") {
    Dataset data;
    REQUIRE(dataset_load_idx(ganvas_test::mnist_images_path(), "", &data).ok);
    GanConfig config;
    REQUIRE(gan_config_preset("seed", &config));
    Gan gan(config, 1);

    // The counter works: a vector allocates.
    const long before_probe = g_allocations.load();
    { std::vector<float> probe(1000); probe[0] = 1; }
    REQUIRE(g_allocations.load() > before_probe);
    // Eigen's allocations are seen too.
    const long before_eigen = g_allocations.load();
    volatile float sink = 0;
    {
        Matrix m(100, 100);  // observable use, so the compiler cannot elide the allocation
        m.setConstant(float(sink));
        sink = m.sum();
    }
    REQUIRE(g_allocations.load() > before_eigen);

    gan.train_step(data);  // warm-up: buffers are sized on the first step
    const long before = g_allocations.load();
    for (int i = 0; i < 200; ++i) gan.train_step(data);  // crosses an epoch boundary (156 steps)
    const long during = g_allocations.load() - before;
    INFO("heap allocations in 200 steady-state steps: " << during);
    CHECK(during == 0);

    // Nor on two threads: the pool's workers are started once, a job is a plain struct.
    set_threads(2);
    gan.train_step(data);
    const long before_threads = g_allocations.load();
    for (int i = 0; i < 50; ++i) gan.train_step(data);
    const long during_threads = g_allocations.load() - before_threads;
    set_threads(1);
    INFO("heap allocations in 50 steps on " << thread_limit() << "-thread-capable build: " << during_threads);
    CHECK(during_threads == 0);
}

TEST_CASE("A steady-state step with both gradient penalties does not allocate", "[gan][alloc][penalty]") {
    Dataset data;
    REQUIRE(dataset_load_idx(ganvas_test::mnist_images_path(), "", &data).ok);
    GanConfig config;
    config.objective = "wgan-gp";
    config.r1_gamma = 1.0f;
    REQUIRE(gan_config_validate(config).ok);
    Gan gan(config, 1);
    gan.train_step(data);  // warm-up: the penalty's caches are sized on the first step
    const long before = g_allocations.load();
    for (int i = 0; i < 20; ++i) gan.train_step(data);
    const long during = g_allocations.load() - before;
    INFO("heap allocations in 20 penalised steps: " << during);
    CHECK(during == 0);
}
