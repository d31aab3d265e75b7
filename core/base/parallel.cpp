// parallel.cpp - see parallel.h.
#include "base/parallel.h"

#include <algorithm>

#if defined(GANVAS_THREADS)
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#endif

namespace ganvas {

#if !defined(GANVAS_THREADS)

int thread_limit() { return 1; }
int max_threads() { return 1; }
int threads() { return 1; }
int set_threads(int) { return 1; }
void parallel_run(int tasks, TaskFn task, void* context) {
    for (int i = 0; i < tasks; ++i) task(context, i);
}

#else

#ifndef GANVAS_THREAD_LIMIT
#define GANVAS_THREAD_LIMIT 16
#endif
constexpr int kThreadLimit = GANVAS_THREAD_LIMIT;

namespace {

// How long a worker keeps polling for the next job before it sleeps. A training step runs
// its GEMMs a few microseconds to a few hundred apart; sleeping between them would add a
// wake-up (tens of microseconds, more in a browser) to every one.
constexpr auto kSpinTime = std::chrono::microseconds(300);

// One job at a time, published by bumping `generation`. Worker w (1 .. count-1) runs tasks
// w, w + count, ...; the caller runs the tasks of thread 0, then spins until `finished`
// counts every worker in. Job fields are written only while no worker is running a job
// (after `finished` was complete) and read only after seeing the new generation, so the
// release/acquire pairs on those two counters order every access.
class Pool {
public:
    ~Pool() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        for (int w = 0; w < started_; ++w) workers_[w].join();
    }

    int count() const { return count_; }

    int set_count(int n) {
        n = std::clamp(n, 1, kThreadLimit);
        while (started_ < n - 1) {  // workers are started once and then kept
            const int w = started_ + 1;
            workers_[started_] = std::thread([this, w] { worker_loop(w); });
            ++started_;
        }
        count_ = n;
        return n;
    }

    void run(int tasks, TaskFn task, void* context) {
        const int count = std::min(count_, tasks);
        if (count <= 1) {
            for (int i = 0; i < tasks; ++i) task(context, i);
            return;
        }
        tasks_ = tasks;
        task_ = task;
        context_ = context;
        job_count_ = count;
        finished_.store(0, std::memory_order_relaxed);
        {
            // Under the mutex, so a worker between its check and its wait cannot miss it.
            std::lock_guard<std::mutex> lock(mutex_);
            generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_all();
        for (int i = 0; i < tasks; i += count) task(context, i);
        // Every started worker reports, also those with no task in this job.
        while (finished_.load(std::memory_order_acquire) != started_) std::this_thread::yield();
    }

private:
    void worker_loop(int w) {
        unsigned seen = 0;
        for (;;) {
            unsigned g = generation_.load(std::memory_order_acquire);
            if (g == seen) {
                const auto until = std::chrono::steady_clock::now() + kSpinTime;
                int polls = 0;
                while ((g = generation_.load(std::memory_order_acquire)) == seen) {
                    if (++polls % 64 == 0 && std::chrono::steady_clock::now() > until) {
                        std::unique_lock<std::mutex> lock(mutex_);
                        wake_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_acquire) != seen; });
                        if (stop_) return;
                        g = generation_.load(std::memory_order_acquire);
                        break;
                    }
                }
            }
            seen = g;
            if (w < job_count_)
                for (int i = w; i < tasks_; i += job_count_) task_(context_, i);
            finished_.fetch_add(1, std::memory_order_release);
        }
    }

    std::thread workers_[kThreadLimit - 1];
    int started_ = 0;  // workers running (they never stop before the pool does)
    int count_ = 1;    // threads jobs use, the caller included

    // The current job.
    int tasks_ = 0, job_count_ = 1;
    TaskFn task_ = nullptr;
    void* context_ = nullptr;

    std::atomic<unsigned> generation_{0};
    std::atomic<int> finished_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
};

Pool& pool() {
    static Pool p;
    return p;
}

}  // namespace

int thread_limit() { return kThreadLimit; }
int max_threads() {
    const unsigned hw = std::thread::hardware_concurrency();  // 0 when unknown
    return std::clamp(int(hw), 1, kThreadLimit);
}
int threads() { return pool().count(); }
int set_threads(int n) { return pool().set_count(n); }
void parallel_run(int tasks, TaskFn task, void* context) { pool().run(tasks, task, context); }

#endif

}  // namespace ganvas
