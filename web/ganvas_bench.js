// ganvas_bench.js - window.ganvas.bench(): the training benchmark in the page (ganvas_api.js
// loads it; see there for the page's scripts).
//
//   window.ganvas.bench({batches: [64, 32, 128, 256], threads: [1, max], trials: 7, steps: 10, preset: 'seed'})
//                           Promise of one object per batch size and thread count, the same
//                           objects as `ganvas bench --json` prints (config, batch, threads,
//                           iters_per_sec, gflops, gemm_gflops, kernel, mflop_per_step, ms_* per
//                           phase) plus build. preset: the name of any of presets()
//                           (default seed). threads defaults to 1 and status().max_threads
//                           (just 1 in the one-thread build); larger counts are clamped.
//                           Training pauses meanwhile and resumes afterwards if it was running
//                           (start() and pause() during a benchmark decide that instead).
//                           Each batch size runs in one go (a few seconds, longer for big
//                           batches), with a frame drawn between batch sizes.
(function () {
  'use strict';
  const internal = window.ganvas && window.ganvas.internal;
  if (!internal) throw new Error('ganvas_bench.js needs ganvas_api.js loaded before it');
  const { Module, exportsOrThrow, afterNextFrame } = internal;

  const BENCH_DEFAULTS = { batches: [64, 32, 128, 256], trials: 7, steps: 10, preset: 'seed' };
  const BENCH_MAX_THREADS = 64;
  const BENCH_MAX_BATCH = 4096;

  function benchOptions(options) {
    if (options === undefined || options === null) options = {};
    if (typeof options !== 'object') throw new TypeError('ganvas.bench(options): options must be an object');
    const o = { ...BENCH_DEFAULTS, ...options };
    const isCount = (v, max) => Number.isInteger(v) && v >= 1 && v <= max;
    if (!Array.isArray(o.batches) || o.batches.length === 0 || !o.batches.every((b) => isCount(b, BENCH_MAX_BATCH)))
      throw new TypeError(`ganvas.bench: batches must be a non-empty array of integers 1..${BENCH_MAX_BATCH}`);
    if (typeof o.preset !== 'string' || !/^[a-z0-9_-]{1,32}$/.test(o.preset))
      throw new TypeError("ganvas.bench: preset must be a preset's name (presets()), e.g. 'seed'");
    if (!isCount(o.trials, 1000)) throw new TypeError('ganvas.bench: trials must be an integer 1..1000 (default 7)');
    if (!isCount(o.steps, 10000)) throw new TypeError('ganvas.bench: steps must be an integer 1..10000 (default 10)');
    if (o.threads !== undefined &&
        (!Array.isArray(o.threads) || o.threads.length === 0 || !o.threads.every((t) => isCount(t, BENCH_MAX_THREADS))))
      throw new TypeError(`ganvas.bench: threads must be a non-empty array of integers 1..${BENCH_MAX_THREADS}`);
    return o;
  }

  async function bench(options) {
    const native = exportsOrThrow();
    const o = benchOptions(options);
    if (internal.benchRun) throw new Error('ganvas.bench: a benchmark is already running');
    const status = JSON.parse(Module.UTF8ToString(native.status()));
    const threadCounts = o.threads || (status.max_threads > 1 ? [1, status.max_threads] : [1]);
    const run = (internal.benchRun = { resume: status.running });
    native.pause();
    try {
      const results = [];
      for (const batch of o.batches) {
        for (const threads of threadCounts) {
          await afterNextFrame();
          const result = JSON.parse(Module.UTF8ToString(native.bench(batch, o.trials, o.steps, threads, o.preset)));
          if (result.error) throw new Error('ganvas.bench: ' + result.error);
          results.push(result);
        }
      }
      return results;
    } finally {
      internal.benchRun = null;
      if (run.resume) native.start();
    }
  }

  window.ganvas.bench = bench;
})();
