// parallel.h - thread pools a matrix multiply (or Adam's pass) is split over, and which one
// the calling thread uses.
//
// A ThreadPool is an object: its worker threads, how many threads a job uses (the caller
// included), and run(tasks) that hands thread t the tasks t, t + threads(), ... gemm() splits a
// product into bands of output columns, one task per band; every output element is still one
// sequential sum computed by one thread, so results are bit-identical for any thread count and
// for any pool: a run trained on 4 threads replays exactly on 1, natively or in the browser.
//
// Which pool: gemm() and adam_step() keep their signatures and use the calling thread's
// *current pool*, installed by a scoped guard:
//     ThreadPool pool(2);                 // the trainer's pool
//     ScopedPool use(&pool);              // this thread's products now run on it
//     ScopedPool alone(nullptr);          // ... or on this thread only, whatever else runs
// A thread that installed nothing uses default_pool(), the process-wide pool the free
// functions set_threads() / threads() / parallel_run() work on. A pool serves one job at a
// time: a second thread asking for a busy pool runs its tasks on its own stack instead of
// waiting (same bits, only slower), so a sample-grid refresh or an evaluation on the main
// thread never contends with, blocks or corrupts the trainer's job.
//
// Built without threads (GANVAS_THREADS undefined, as in the single-thread wasm build)
// every pool has one thread and everything runs on the calling thread.
//
// Waiting: workers spin for a fraction of a millisecond after each job (the next GEMM of a
// training step usually follows within microseconds), then sleep on a condition variable.
// The caller only ever spins while workers finish its own job, never sleeps: a browser's main
// thread is not allowed to block.
#pragma once

#include <atomic>
#include <memory>

namespace ganvas {

// Most threads one pool can run: 16 natively; in the threaded wasm build, the number of Web
// Workers the page starts up front (GANVAS_THREAD_LIMIT, matching -sPTHREAD_POOL_SIZE + 1),
// because a browser's main thread cannot wait for a new worker to start. 1 without threads.
// (In wasm every pool's workers come from those Web Workers: the default pool and the app's
// trainer thread use them all.)
int thread_limit();

// The default for "use every core": the hardware's count, at most thread_limit().
int max_threads();

// A task of a job: task(context, i) for i in [0, tasks).
using TaskFn = void (*)(void* context, int task);

// [SECTION] ThreadPool

class ThreadPool {
public:
    // A pool running jobs on `threads` threads (clamped as by set_threads), the caller included.
    explicit ThreadPool(int threads = 1);
    ~ThreadPool();  // stops and joins the workers; no job may be running
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    // Threads a job uses (>= 1).
    int threads() const { return count_.load(std::memory_order_relaxed); }

    // Chooses the thread count, clamped to [1, thread_limit()] (more than max_threads() is
    // allowed, for tests), and starts workers the first time they are needed (they are kept).
    // Returns the count in effect. Waits for a job another thread is running to finish.
    int set_threads(int n);

    // Runs task(context, i) for every i in [0, tasks): thread t runs tasks t, t + threads(), ...
    // Returns when all are done. If another thread's job holds the pool, every task runs on the
    // calling thread. No heap allocation. Not from inside a task of the same pool.
    void run(int tasks, TaskFn task, void* context);

private:
    struct Workers;  // the threads and the job mailbox (parallel.cpp); null without threads
    std::unique_ptr<Workers> workers_;
    std::atomic<int> count_{1};  // written only while holding the pool (set_threads)
};

// [SECTION] The calling thread's pool

// The process-wide pool for threads that installed none (1 thread until set_threads()).
ThreadPool& default_pool();

// The pool gemm() and adam_step() on this thread use: the innermost ScopedPool's, else
// default_pool(); nullptr means "this thread only" (also inside a pool's own workers).
ThreadPool* current_pool();

// Installs `pool` (nullptr: none, run on this thread only) as the calling thread's current
// pool until it goes out of scope; guards nest.
class ScopedPool {
public:
    explicit ScopedPool(ThreadPool* pool);
    ~ScopedPool();
    ScopedPool(const ScopedPool&) = delete;
    ScopedPool& operator=(const ScopedPool&) = delete;

private:
    ThreadPool* previous_;
    bool previous_installed_;
};

// [SECTION] Free functions: thin wrappers, as before pools were objects

// Threads the calling thread's next parallel_run() uses: current_pool()'s count, 1 if none.
int threads();

// default_pool().set_threads(n): the count threads without a pool of their own use. Call it
// between steps (it waits for a running job of the default pool, never interrupts one).
int set_threads(int n);

// current_pool()->run(...), or every task on the calling thread when it has no pool.
void parallel_run(int tasks, TaskFn task, void* context);

}  // namespace ganvas
