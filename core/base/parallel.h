// parallel.h - the worker threads a matrix multiply is split over.
//
// One process-wide pool, in the manner of OpenBLAS's or ggml's: set_threads(n) says how many
// threads the following GEMMs use, the calling thread included, and gemm() hands each thread
// a band of output columns (parallel_run below). Every output element is still one
// sequential sum computed by one thread, so results are bit-identical for every thread count:
// a run trained on 4 threads replays exactly on 1, natively or in the browser.
//
// Built without threads (GANVAS_THREADS undefined, as in the single-thread wasm build)
// max_threads() is 1 and everything runs on the calling thread.
//
// Waiting: workers spin for a fraction of a millisecond after each job (the next GEMM of a
// training step usually follows within microseconds), then sleep on a condition variable.
// The caller only ever spins while workers finish its own job, never sleeps: a browser's main
// thread is not allowed to block.
#pragma once

namespace ganvas {

// Most threads this build can run: 16 natively; in the threaded wasm build, the number of
// Web Workers the page starts up front (GANVAS_THREAD_LIMIT, matching -sPTHREAD_POOL_SIZE + 1),
// because a browser's main thread cannot wait for a new worker to start. 1 without threads.
int thread_limit();

// The default for "use every core": the hardware's count, at most thread_limit().
int max_threads();

// Threads the next parallel_run() uses (>= 1; 1 until set_threads() says otherwise).
int threads();

// Chooses the thread count, clamped to [1, thread_limit()] (more than max_threads() is allowed,
// for tests), and starts the worker threads the first time they are needed. Returns the count
// in effect. Call it between steps from the thread that trains (not from inside a task).
int set_threads(int n);

// Runs task(context, i) for every i in [0, tasks), spread over threads(): thread t runs
// tasks t, t + threads(), ... Returns when all tasks are done. No heap allocation.
using TaskFn = void (*)(void* context, int task);
void parallel_run(int tasks, TaskFn task, void* context);

}  // namespace ganvas
