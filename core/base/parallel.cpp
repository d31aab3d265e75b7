// parallel.cpp - see parallel.h.
#include "base/parallel.h"

#include <algorithm>
#include <cassert>

#if defined(GANVAS_THREADS)
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#endif

namespace ganvas {

namespace {

// The calling thread's pool, as ScopedPool installed it. Plain pointers: no constructor runs
// when a thread starts, and reading them never allocates.
thread_local bool t_installed = false;     // false: use default_pool()
thread_local ThreadPool* t_pool = nullptr;  // when installed; nullptr: this thread only

void run_here(int tasks, TaskFn task, void* context) {
    for (int i = 0; i < tasks; ++i) task(context, i);
}

}  // namespace

// [SECTION] The calling thread's pool

ThreadPool& default_pool() {
    static ThreadPool pool(1);
    return pool;
}

ThreadPool* current_pool() { return t_installed ? t_pool : &default_pool(); }

ScopedPool::ScopedPool(ThreadPool* pool) : previous_(t_pool), previous_installed_(t_installed) {
    t_installed = true;
    t_pool = pool;
}

ScopedPool::~ScopedPool() {
    t_installed = previous_installed_;
    t_pool = previous_;
}

int threads() {
    const ThreadPool* pool = current_pool();
    return pool ? pool->threads() : 1;
}

int set_threads(int n) { return default_pool().set_threads(n); }

void parallel_run(int tasks, TaskFn task, void* context) {
    if (ThreadPool* pool = current_pool())
        pool->run(tasks, task, context);
    else
        run_here(tasks, task, context);
}

#if !defined(GANVAS_THREADS)

int thread_limit() { return 1; }
int max_threads() { return 1; }

struct ThreadPool::Workers {};
ThreadPool::ThreadPool(int) {}
ThreadPool::~ThreadPool() = default;
int ThreadPool::set_threads(int) { return 1; }
void ThreadPool::run(int tasks, TaskFn task, void* context) { run_here(tasks, task, context); }

#else

#ifndef GANVAS_THREAD_LIMIT
#define GANVAS_THREAD_LIMIT 16
#endif
constexpr int kThreadLimit = GANVAS_THREAD_LIMIT;

int thread_limit() { return kThreadLimit; }
int max_threads() {
    const unsigned hw = std::thread::hardware_concurrency();  // 0 when unknown
    return std::clamp(int(hw), 1, kThreadLimit);
}

namespace {

// How long a worker keeps polling for the next job before it sleeps. A training step runs
// its GEMMs a few microseconds to a few hundred apart; sleeping between them would add a
// wake-up (tens of microseconds, more in a browser) to every one.
constexpr auto kSpinTime = std::chrono::microseconds(300);

}  // namespace

// One job at a time, published by bumping `generation`. Worker w (1 .. count-1) runs tasks
// w, w + count, ...; the caller runs the tasks of thread 0, then spins until `finished`
// counts every worker in. Job fields are written only by the thread holding `busy` while no
// worker is running a job (after `finished` was complete) and read only after seeing the new
// generation, so the release/acquire pairs on those two counters order every access.
struct ThreadPool::Workers {
    std::thread threads[kThreadLimit - 1];
    int started = 0;  // workers running (they never stop before the pool does)

    // Held by the one thread running a job or changing the count; others run on their own.
    std::atomic<bool> busy{false};

    // The current job.
    int tasks = 0, job_count = 1;
    TaskFn task = nullptr;
    void* context = nullptr;

    std::atomic<unsigned> generation{0};
    std::atomic<int> finished{0};
    std::mutex mutex;
    std::condition_variable wake;
    bool stop = false;

    ~Workers() {
        {
            std::lock_guard<std::mutex> lock(mutex);
            stop = true;
        }
        wake.notify_all();
        for (int w = 0; w < started; ++w) threads[w].join();
    }

    // The caller holds `busy`.
    void start_until(int n) {
        while (started < n - 1) {
            const int w = started + 1;
            threads[started] = std::thread([this, w] { loop(w); });
            ++started;
        }
    }

    // The caller holds `busy`.
    void run_job(int count, int job_tasks, TaskFn job_task, void* job_context) {
        tasks = job_tasks;
        task = job_task;
        context = job_context;
        job_count = count;
        finished.store(0, std::memory_order_relaxed);
        {
            // Under the mutex, so a worker between its check and its wait cannot miss it.
            std::lock_guard<std::mutex> lock(mutex);
            generation.fetch_add(1, std::memory_order_release);
        }
        wake.notify_all();
        for (int i = 0; i < job_tasks; i += count) job_task(job_context, i);
        // Every started worker reports, also those with no task in this job.
        while (finished.load(std::memory_order_acquire) != started) std::this_thread::yield();
    }

    void loop(int w) {
        const ScopedPool none(nullptr);  // a task's own parallel_run() stays on this worker
        unsigned seen = 0;
        for (;;) {
            unsigned g = generation.load(std::memory_order_acquire);
            if (g == seen) {
                const auto until = std::chrono::steady_clock::now() + kSpinTime;
                int polls = 0;
                while ((g = generation.load(std::memory_order_acquire)) == seen) {
                    if (++polls % 64 == 0 && std::chrono::steady_clock::now() > until) {
                        std::unique_lock<std::mutex> lock(mutex);
                        wake.wait(lock, [&] { return stop || generation.load(std::memory_order_acquire) != seen; });
                        if (stop) return;
                        g = generation.load(std::memory_order_acquire);
                        break;
                    }
                }
            }
            seen = g;
            if (w < job_count)
                for (int i = w; i < tasks; i += job_count) task(context, i);
            finished.fetch_add(1, std::memory_order_release);
        }
    }
};

ThreadPool::ThreadPool(int threads) : workers_(std::make_unique<Workers>()) { set_threads(threads); }

ThreadPool::~ThreadPool() {
    assert(!workers_->busy.load() && "ThreadPool destroyed while a job runs on it");
}

int ThreadPool::set_threads(int n) {
    n = std::clamp(n, 1, kThreadLimit);
    while (workers_->busy.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
    workers_->start_until(n);
    count_.store(n, std::memory_order_relaxed);
    workers_->busy.store(false, std::memory_order_release);
    return n;
}

void ThreadPool::run(int tasks, TaskFn task, void* context) {
    // Held by another thread's job (or count change): run everything here instead of waiting.
    if (tasks <= 1 || workers_->busy.exchange(true, std::memory_order_acquire)) {
        run_here(tasks, task, context);
        return;
    }
    const int count = std::min(threads(), tasks);
    if (count <= 1)
        run_here(tasks, task, context);
    else
        workers_->run_job(count, tasks, task, context);
    workers_->busy.store(false, std::memory_order_release);
}

#endif

}  // namespace ganvas
