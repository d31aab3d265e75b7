// ganvas_api.js - the page glue: Emscripten's Module settings, window.ganvas, and the choice
// of build.
//
// Loaded by ganvas.html. It sets up Module, then loads one of the app's two builds:
//   ganvas_mt.js  threads (Emscripten pthreads) when the page is cross-origin isolated, which
//                 SharedArrayBuffer needs (web/serve.mjs sends the COOP/COEP headers);
//   ganvas_st.js  one thread otherwise, or when the URL says ?threads=0.
//   window.ganvas.build     {name: 'ganvas_mt' | 'ganvas_st', threads: bool, reason: string}
//   window.ganvas.ready     Promise: resolves when the runtime is up and the app has loaded
//                           its digits; rejects with the reason otherwise.
//   window.ganvas.readyMs   when it resolved, in ms since navigation (performance.now()).
//   window.ganvas.status()  {step, epoch, d_loss, g_loss, d_real, d_fake, iters_per_sec,
//                           train_slice_ms, frame_ms, frame_ms_median, frame_ms_p95,
//                           frame_work_ms_median, frame_work_ms_p95, wasm_memory_bytes,
//                           heap_in_use_bytes, threads, max_threads, build, running, ready, explore_only,
//                           error, samples_rect, real_rect}
//                           frame_ms_*: intervals between frame starts over the last 120
//                           frames; frame_work_ms_*: the app's own work in those frames.
//   window.ganvas.start() / pause() / reset()
//   window.ganvas.step(n)   trains n whole iterations now (a begun one counts as one: after pause()
//                           the model then ends on a whole step, which a share link needs).
//   window.ganvas.setThreads(n)
//                           threads training uses (the Training window's slider), clamped to
//                           1..status().max_threads; returns the count in effect. The same
//                           results, bit for bit, for any count: only the speed changes.
//   window.ganvas.bench({batches: [64, 32, 128, 256], threads: [1, max], trials: 7, steps: 10})
//                           Promise of one object per batch size and thread count, the same
//                           objects as `ganvas bench --json` prints (config, batch, threads,
//                           iters_per_sec, gflops, gemm_gflops, kernel, mflop_per_step, ms_* per
//                           phase) plus build. threads defaults to 1 and status().max_threads
//                           (just 1 in the one-thread build); larger counts are clamped.
//                           Training pauses meanwhile and resumes afterwards if it was running
//                           (start() and pause() during a benchmark decide that instead).
//                           Each batch size runs in one go (a few seconds, longer for big
//                           batches), with a frame drawn between batch sizes.
//   window.ganvas.saveCheckpoint()
//                           Promise<Uint8Array>: the model as a safetensors checkpoint (no download).
//   window.ganvas.downloadCheckpoint()
//                           Promise<string>: downloads it as ganvas-step<N>.safetensors (the name).
//   window.ganvas.loadCheckpoint(bytesOrFile, {history})
//                           Uint8Array, ArrayBuffer or Blob/File. Promise of {ok: true, step};
//                           rejects with Error(message) for a bad file, and then the model and
//                           training state are unchanged. A loaded model is paused. With history
//                           (historyText() of that step) the loss curves come back too.
//   window.ganvas.showMessage(text, isError)   a line in the app's status line
//   window.ganvas.historyText()
//                           the loss history as JSON text (TrainingHistory::to_json, shell/session.h)
//   window.ganvas.keptRun   the run kept in this browser (web/kept_run.js): info(), keepNow(), ...
//   window.ganvas.gridZ()   Float32Array (64 x latent, row-major): the z of the sample grid,
//                           z of (the model's seed, 0..63) - the z `ganvas sample --seed S` draws.
//   window.ganvas.samplesRaw()
//                           Float32Array (64 x 784, row-major, values in [-1, 1]): G(gridZ()) of
//                           the model as it is now (BatchNorm on batch statistics, the running
//                           ones untouched), as `ganvas sample --count 64 --bn train --raw` writes.
//   window.ganvas.selectSample(i)
//                           selects grid cell i (0..63) as the digit (the Digit window shows it).
//   window.ganvas.digit()   {pixels: Float32Array(784) in [-1, 1] (null when none is selected),
//                           link: the page's URL + '#' + the digit's fragment, or null with
//                           refusal: why it cannot be shared, state, message}: the selected digit.
//   window.ganvas.setDigitSlerp(seed1, index1, seed2, index2, t, bn?)
//   window.ganvas.setDigitRaw(Float32Array(latent), bn?)
//                           an interpolated or edited digit; bn: omitted (the selected digit's
//                           batch), 'eval', or {seed, count, row}. Throw Error when refused.
//   window.ganvas.openLink(url)
//                           a link (URL or fragment): Promise resolving with digit() once the digit
//                           is shown (at once for this model, else after rebuilding it: see
//                           status().rebuild); rejects with Error(reason): a malformed link, other
//                           data, a weight-hash mismatch. A refused link leaves the run as it was.
//                           A link to the shipped generator loads shipped-generator.safetensors
//                           first (fetched only then). The page opens location.hash's link when
//                           ready and on every hashchange.
//   window.ganvas.gridLink()
//                           the URL of the whole grid, or null when the model cannot be shared.
//   window.ganvas.loadGenerator(bytesOrFile) / loadShippedGenerator()
//                           an explore-only model from a generator file (Promise; rejects with
//                           Error(message)); the second fetches the shipped one.
//   window.ganvas.copiedText()
//                           the last text the app put on the clipboard ("Copy link"), for tests.
//   window.ganvas.windows() [{name, x, y, width, height, moved, scroll_y}]: the banner ("banner") and every
//                           open window ("Training", "Losses", "Samples", "Real digits", "Digit") as
//                           drawn in the last frame, CSS pixels from the canvas's top left; moved:
//                           the user moved or resized it (the layout then leaves it there); scroll_y:
//                           how far its content is scrolled down (pixels); the
//                           banner also has clipped: its text did not fit the height it was given,
//                           and font_pixels: the font's rasterised size (text size x devicePixelRatio);
//                           the Digit window zoom: the big digit's zoom (2..12, its - / + / slider).
//   window.ganvas.resetLayout()
//                           the banner's Windows > Reset layout: every window back where the layout
//                           puts it for this canvas (shell/ui/layout.h), the default windows open.
//   window.ganvas.diagnosis()
//                           {points: [{step, fd, modes, kl, confident, histogram (10 counts), d_real,
//                           d_fake, d_loss, g_loss, scored}], alerts: [{kind, text, since_step,
//                           remedy ("key=value ..."), remedy_why}], score_ms, sample_ms,
//                           classifier_loaded, status}: the live diagnosis (shell/diagnosis.h; a
//                           point every 200 steps and 3 s of training; classifier.safetensors is
//                           fetched when the first point is due).
//   window.ganvas.changeSetting(key, value)
//                           a live setting from the next step on, recorded in the recipe (links and
//                           checkpoints replay it); throws Error(reason) for reset-only keys, bad values.
//   window.ganvas.setSetting(key, value)
//                           any setting, as the Settings window takes it: {ok, staged, message}; a live
//                           one applies now (recorded in the recipe), a reset-only one is staged
//                           (status().staged) and applies on reset(); refused: {ok: false, message}
//                           with the core's reason (the run is kept).
//   window.ganvas.reset()   a fresh model at step 0, with the staged settings; throws Error(reason)
//                           when they are refused.
//   window.ganvas.stepD() / stepG()
//                           one D / one G update alone (recorded in the recipe as an "update"
//                           entry); returns status() (lone_d, lone_g count them).
//   window.ganvas.setSpeed(stepsPerSecond)
//                           slow motion (0: full speed); Start and runSteps(n) then step at that rate.
//   window.ganvas.runSteps(n)
//                           n iterations over the next frames (status().pace.run_left counts down).
// status() also has lone_d, lone_g, pace {steps_per_second, playing, run_left}, staged {key: text},
// setting_errors {key: reason}.
//   window.ganvas.history()  {steps_per_point, d_loss: [...], g_loss: [...]}: the loss history the
//                           Losses window plots (one point per steps_per_point steps; null: not finite).
// status() also has rollback {count, diverged_step, restored_step, reason, undone, snapshot_step}:
// a step whose loss is not finite or explodes pauses the run and rolls it back to the last good
// in-memory snapshot (shell/session.h, "Divergence"); status().message then says what happened at
// which step, what was restored and undone ("undone: adam_d.lr=1.0") and what to try (lower
// learning rates: diagnosis() has the Diverging alert with the remedy); count 0: none yet.
// status() also has rebuild {active, target, done, eta (s)} and digit {selected, link (fragment),
// share_refusal, link_state ("", "rebuilding", "shown", "mismatch", "refused"), link_message}.
// The Training window's "Save checkpoint" button downloads, "Load checkpoint..." opens the hidden
// <input type=file> (input.ganvas-checkpoint-input); a file dropped onto the page loads too.
// The outcome also shows in the app's status line and in status().message.
// The functions call the C exports of web/main_web.cpp.
(function () {
  'use strict';

  const loading = document.querySelector('.ganvas-loading');
  function showLoading(text, isError) {
    if (!loading) return;
    loading.textContent = text;
    loading.classList.toggle('ganvas-error', Boolean(isError));
    loading.classList.remove('ganvas-hidden');
  }
  function hideLoading() {
    if (loading) loading.classList.add('ganvas-hidden');
  }

  let resolveReady;
  let rejectReady;
  let settled = false;
  const ready = new Promise((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => {});  // the page shows the error; awaiting callers still see the rejection

  function fail(message) {
    // The threaded build needs Web Workers sharing memory; if it could not start, say how to
    // get the one-thread build.
    if (!settled && window.ganvas && window.ganvas.build && window.ganvas.build.threads)
      message += ' Add ?threads=0 to the address to run Ganvas without threads.';
    showLoading(message, true);
    if (!settled) {
      settled = true;
      rejectReady(new Error(message));
    }
  }

  const Module = (window.Module = window.Module || {});
  Module.canvas = document.getElementById('canvas');
  // One copy of the digits and the font for both builds: their .data packages are the same bytes
  // (web/CMakeLists.txt checks it at build time and keeps only ganvas_st.data).
  Module.locateFile = (path, prefix) => prefix + (path === 'ganvas_mt.data' ? 'ganvas_st.data' : path);
  Module.print = (text) => console.log(text);
  Module.printErr = (text) => console.error(text);
  Module.setStatus = (text) => {
    if (text && !settled) showLoading(text);
  };
  Module.onAbort = (what) => fail('Ganvas stopped: ' + what);
  // Called from main() in web/main_web.cpp.
  Module.ganvasReady = (ok, message) => {
    if (!ok) return fail(message || 'Ganvas could not start.');
    hideLoading();
    if (!settled) {
      settled = true;
      window.ganvas.readyMs = performance.now();
      resolveReady();
    }
  };
  if (Module.canvas) {
    Module.canvas.addEventListener('contextmenu', (event) => event.preventDefault());  // a long press is the app's
    Module.canvas.addEventListener('webglcontextlost', (event) => {
      event.preventDefault();
      fail('The WebGL context was lost; reload the page.');
    });
  }

  // SDL re-reads devicePixelRatio on a window resize only; a ratio change without one (the page
  // moved to another screen; media-query change events do not always come) is passed on as a
  // resize, so the canvas's backing store and the app's font (shell/window.h) follow it.
  let pixelRatio = window.devicePixelRatio;
  setInterval(() => {
    if (window.devicePixelRatio === pixelRatio) return;
    pixelRatio = window.devicePixelRatio;
    window.dispatchEvent(new Event('resize'));
  }, 250);

  let native = null;
  function exportsOrThrow() {
    if (!settled) throw new Error('Ganvas is not ready yet: await window.ganvas.ready first');
    if (!native) {
      native = {
        start: Module.cwrap('ganvas_start', null, []),
        pause: Module.cwrap('ganvas_pause', null, []),
        reset: Module.cwrap('ganvas_reset', 'number', []),
        setSetting: Module.cwrap('ganvas_set_setting', 'number', ['string', 'string']),
        stepAlone: Module.cwrap('ganvas_step_alone', 'number', ['number']),
        setSpeed: Module.cwrap('ganvas_set_speed', 'number', ['number']),
        runSteps: Module.cwrap('ganvas_run_steps', null, ['number']),
        step: Module.cwrap('ganvas_step', 'number', ['number']),
        setThreads: Module.cwrap('ganvas_set_threads', 'number', ['number']),
        status: Module.cwrap('ganvas_status_json', 'number', []),
        bench: Module.cwrap('ganvas_bench_json', 'number', ['number', 'number', 'number', 'number']),
        checkpointSave: Module.cwrap('ganvas_checkpoint_save', 'number', ['number']),
        checkpointLoad: Module.cwrap('ganvas_checkpoint_load', 'number', ['number', 'number', 'string']),
        historyJson: Module.cwrap('ganvas_history_json', 'number', []),
        gridZ: Module.cwrap('ganvas_grid_z', 'number', ['number']),
        samplesRaw: Module.cwrap('ganvas_samples_raw', 'number', ['number']),
        selectSample: Module.cwrap('ganvas_select_sample', 'number', ['number']),
        digitPixels: Module.cwrap('ganvas_digit_pixels', 'number', ['number']),
        setDigitSlerp: Module.cwrap('ganvas_set_digit_slerp', 'number',
          ['number', 'number', 'number', 'number', 'number', 'number', 'number', 'number']),
        setDigitRaw: Module.cwrap('ganvas_set_digit_raw', 'number', ['number', 'number', 'number', 'number', 'number']),
        openLink: Module.cwrap('ganvas_open_link', 'number', ['string']),
        gridLink: Module.cwrap('ganvas_grid_link', 'number', []),
        loadGenerator: Module.cwrap('ganvas_load_generator', 'number', ['number', 'number']),
        showMessage: Module.cwrap('ganvas_show_message', null, ['string', 'number']),
        resetLayout: Module.cwrap('ganvas_reset_layout', null, []),
        windows: Module.cwrap('ganvas_windows_json', 'number', []),
        loadClassifier: Module.cwrap('ganvas_load_classifier', 'number', ['number', 'number']),
        classifierFailed: Module.cwrap('ganvas_classifier_failed', null, ['string']),
        diagnosis: Module.cwrap('ganvas_diagnosis_json', 'number', []),
        changeSetting: Module.cwrap('ganvas_change_setting', 'number', ['string', 'string']),
        presets: Module.cwrap('ganvas_presets_json', 'number', []),
        setPreset: Module.cwrap('ganvas_set_preset', 'number', ['string']),
        applyRemedy: Module.cwrap('ganvas_apply_remedy', 'number', ['string']),
      };
    }
    return native;
  }

  // [SECTION] bench()
  const BENCH_DEFAULTS = { batches: [64, 32, 128, 256], trials: 7, steps: 10 };
  const BENCH_MAX_THREADS = 64;
  const BENCH_MAX_BATCH = 4096;
  let benchRun = null;  // while a benchmark runs: {resume} - whether training restarts after it

  function benchOptions(options) {
    if (options === undefined || options === null) options = {};
    if (typeof options !== 'object') throw new TypeError('ganvas.bench(options): options must be an object');
    const o = { ...BENCH_DEFAULTS, ...options };
    const isCount = (v, max) => Number.isInteger(v) && v >= 1 && v <= max;
    if (!Array.isArray(o.batches) || o.batches.length === 0 || !o.batches.every((b) => isCount(b, BENCH_MAX_BATCH)))
      throw new TypeError(`ganvas.bench: batches must be a non-empty array of integers 1..${BENCH_MAX_BATCH}`);
    if (!isCount(o.trials, 1000)) throw new TypeError('ganvas.bench: trials must be an integer 1..1000 (default 7)');
    if (!isCount(o.steps, 10000)) throw new TypeError('ganvas.bench: steps must be an integer 1..10000 (default 10)');
    if (o.threads !== undefined &&
        (!Array.isArray(o.threads) || o.threads.length === 0 || !o.threads.every((t) => isCount(t, BENCH_MAX_THREADS))))
      throw new TypeError(`ganvas.bench: threads must be a non-empty array of integers 1..${BENCH_MAX_THREADS}`);
    return o;
  }

  // Resolves after the next frame has run (or after 250 ms when the tab draws no frames).
  function afterNextFrame() {
    return new Promise((resolve) => {
      let done = false;
      const go = () => {
        if (done) return;
        done = true;
        setTimeout(resolve, 0);
      };
      requestAnimationFrame(go);
      setTimeout(go, 250);
    });
  }

  async function bench(options) {
    const native = exportsOrThrow();
    const o = benchOptions(options);
    if (benchRun) throw new Error('ganvas.bench: a benchmark is already running');
    const status = JSON.parse(Module.UTF8ToString(native.status()));
    const threadCounts = o.threads || (status.max_threads > 1 ? [1, status.max_threads] : [1]);
    const run = (benchRun = { resume: status.running });
    native.pause();
    try {
      const results = [];
      for (const batch of o.batches) {
        for (const threads of threadCounts) {
          await afterNextFrame();
          const result = JSON.parse(Module.UTF8ToString(native.bench(batch, o.trials, o.steps, threads)));
          if (result.error) throw new Error('ganvas.bench: ' + result.error);
          results.push(result);
        }
      }
      return results;
    } finally {
      benchRun = null;
      if (run.resume) native.start();
    }
  }

  // Floats from a C export `fn(int* count)` returning a pointer: a copy (the C side reuses it).
  function floatsFrom(fn, what) {
    const countPtr = Module._malloc(4);
    try {
      const ptr = fn(countPtr);
      const count = Module.HEAP32[countPtr >> 2];
      if (!ptr || count <= 0) throw new Error(`ganvas.${what}: there is no model`);
      return Module.HEAPF32.slice(ptr >> 2, (ptr >> 2) + count);
    } finally {
      Module._free(countPtr);
    }
  }

  // [SECTION] checkpoints
  function saveCheckpointNow() {
    const native = exportsOrThrow();
    const sizePtr = Module._malloc(4);
    try {
      const ptr = native.checkpointSave(sizePtr);
      const size = Module.HEAP32[sizePtr >> 2];
      if (!ptr || size <= 0) throw new Error('ganvas.saveCheckpoint: there is no model to save');
      return Module.HEAPU8.slice(ptr, ptr + size);  // a copy: the C side reuses its buffer
    } finally {
      Module._free(sizePtr);
    }
  }

  function downloadBytes(bytes, name, type = 'application/octet-stream') {
    const url = URL.createObjectURL(bytes instanceof Blob ? bytes : new Blob([bytes], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  Module.ganvasDownload = downloadBytes;  // the "Save checkpoint" button (web/main_web.cpp)

  async function toBytes(source) {
    if (source instanceof Uint8Array) return source;
    if (source instanceof ArrayBuffer) return new Uint8Array(source);
    if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    if (source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
    throw new TypeError('ganvas.loadCheckpoint: pass a Uint8Array, an ArrayBuffer or a File');
  }

  // Calls a C export `fn(ptr, size)` that returns {"ok": ..., "error": ...} JSON with a copy of
  // `bytes` in wasm memory; throws Error(error) when it says no.
  function withBytes(fn, bytes, what, ...more) {
    const ptr = Module._malloc(Math.max(bytes.length, 1));
    if (!ptr) throw new Error(`ganvas.${what}: out of memory for a ${bytes.length}-byte file`);
    let result;
    try {
      Module.HEAPU8.set(bytes, ptr);  // read HEAPU8 after malloc: memory may have grown
      result = JSON.parse(Module.UTF8ToString(fn(ptr, bytes.length, ...more)));
    } finally {
      Module._free(ptr);
    }
    if (!result.ok) throw new Error(result.error);
    if (benchRun) benchRun.resume = false;  // a loaded model starts paused
    return result;
  }

  async function loadCheckpoint(source, { history = '' } = {}) {
    const native = exportsOrThrow();
    return withBytes(native.checkpointLoad, await toBytes(source), 'loadCheckpoint', String(history));
  }

  // Files the user picks ("Load checkpoint...") or drops: errors show in the app's status line.
  function loadChosenFile(file) {
    if (file) loadCheckpoint(file).catch((e) => console.warn(e.message));
  }
  // ganvas.html places the hidden input before this script, so it exists already.
  const picker = document.querySelector('input.ganvas-checkpoint-input');
  if (picker) {
    picker.addEventListener('change', () => {
      const file = picker.files && picker.files[0];
      picker.value = '';  // choosing the same file again fires 'change' again
      if (settled) loadChosenFile(file);
    });
  }
  Module.ganvasPickCheckpoint = () => {
    if (picker) picker.click();
  };

  const dropTarget = document.documentElement;
  dropTarget.addEventListener('dragover', (event) => {
    if (event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files')) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  });
  dropTarget.addEventListener('drop', (event) => {
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (!file) return;
    event.preventDefault();
    if (settled) loadChosenFile(file);
  });

  // [SECTION] Share links: the digit, its link, opening links, the shipped generator.
  const jsonFrom = (ptr) => JSON.parse(Module.UTF8ToString(ptr));
  const statusNow = () => jsonFrom(exportsOrThrow().status());
  const pageUrl = (fragment) => window.location.origin + window.location.pathname + '#' + fragment;
  function orThrow(result) {
    if (!result.ok) throw new Error(result.error);
  }

  function digit() {
    const native = exportsOrThrow();
    const d = statusNow().digit;
    const refusal = !d.selected ? 'No digit is selected: click a sample in the grid.'
      : d.link ? null : d.share_refusal || 'This digit cannot be shared.';
    return { pixels: d.selected ? floatsFrom(native.digitPixels, 'digit') : null, link: d.link ? pageUrl(d.link) : null,
      refusal, state: d.link_state, message: d.link_message };
  }

  // bn for setDigit*: [seed, count, row]; row -1 keeps the selected digit's batch, -2 is eval mode.
  function batchNormArgs(bn) {
    if (bn === undefined || bn === null) return [0, 0, -1];
    if (bn === 'eval') return [0, 0, -2];
    if (typeof bn === 'object' && [bn.seed, bn.count, bn.row].every((v) => Number.isSafeInteger(v) && v >= 0))
      return [bn.seed, bn.count, bn.row];
    throw new TypeError("ganvas.setDigit*: bn must be omitted, 'eval' or {seed, count, row} (integers >= 0)");
  }

  function setDigitSlerp(seed1, index1, seed2, index2, t, bn) {
    if (![seed1, index1, seed2, index2].every((v) => Number.isSafeInteger(v) && v >= 0))
      throw new TypeError('ganvas.setDigitSlerp: seeds and indices must be integers >= 0');
    if (!(typeof t === 'number' && t >= 0 && t <= 1)) throw new TypeError('ganvas.setDigitSlerp: t must be in [0, 1]');
    orThrow(jsonFrom(exportsOrThrow().setDigitSlerp(seed1, index1, seed2, index2, t, ...batchNormArgs(bn))));
    return digit();
  }

  function setDigitRaw(z, bn) {
    if (!(z instanceof Float32Array)) throw new TypeError('ganvas.setDigitRaw: z must be a Float32Array');
    const native = exportsOrThrow();
    const args = batchNormArgs(bn);
    const ptr = Module._malloc(Math.max(z.byteLength, 4));
    try {
      Module.HEAPF32.set(z, ptr >> 2);
      orThrow(jsonFrom(native.setDigitRaw(ptr, z.length, ...args)));
    } finally {
      Module._free(ptr);
    }
    return digit();
  }

  async function loadGenerator(source) {
    const native = exportsOrThrow();
    return withBytes(native.loadGenerator, await toBytes(source), 'loadGenerator');
  }

  // The shipped generator (web/CMakeLists.txt copies it next to the page): its small JSON
  // ({weight_hash, steps, seed, link}) is fetched the first time a link is opened, its weights
  // only when they are needed. Both are kept once fetched.
  let shippedInfo = null;
  let shippedBytes = null;
  async function fetchOk(name) {
    const response = await fetch(name);
    if (!response.ok) throw new Error(`ganvas: fetching ${name} gave HTTP ${response.status}`);
    return response;
  }
  function shippedGeneratorInfo() {
    if (!shippedInfo) {
      shippedInfo = fetchOk('shipped-generator.json').then((r) => r.json()).catch((e) => {
        shippedInfo = null;  // try again next time
        console.warn(e.message);
        return null;
      });
    }
    return shippedInfo;
  }
  async function loadShippedGenerator() {
    if (!shippedBytes) {
      shippedBytes = fetchOk('shipped-generator.safetensors').then((r) => r.arrayBuffer());
      shippedBytes.catch(() => { shippedBytes = null; });
    }
    return loadGenerator(new Uint8Array(await shippedBytes));
  }
  Module.ganvasLoadShipped = () => {
    loadShippedGenerator().catch((e) => exportsOrThrow().showMessage(e.message, 1));
  };

  // The diagnosis's classifier (shell/diagnosis.h): fetched the first time a diagnosis point is
  // due, never with the page (it is not in the preloaded .data).
  Module.ganvasLoadClassifier = () => {
    fetchOk('classifier.safetensors')
      .then((r) => r.arrayBuffer())
      .then((buffer) => {
        const resume = benchRun ? benchRun.resume : false;  // not a model: a benchmark still resumes
        withBytes(exportsOrThrow().loadClassifier, new Uint8Array(buffer), 'loadClassifier');
        if (benchRun) benchRun.resume = resume;
      })
      .catch((e) => exportsOrThrow().classifierFailed(e.message));
  };

  // The weight hash a link names (w=<16 hex>), or null.
  function linkWeightHash(text) {
    const fragment = String(text).slice(String(text).indexOf('#') + 1);
    const m = fragment.match(/(?:^|&)w=([0-9a-f]{16})(?:&|$)/);
    return m ? m[1] : null;
  }

  let openGeneration = 0;  // a newer openLink supersedes an older one
  async function openLink(url) {
    if (typeof url !== 'string') throw new TypeError('ganvas.openLink(url): url must be a string');
    const native = exportsOrThrow();
    const generation = ++openGeneration;
    const w = linkWeightHash(url);
    if (w) {
      const info = await shippedGeneratorInfo();
      if (info && info.weight_hash === w) await loadShippedGenerator();
    }
    if (generation !== openGeneration) throw new Error('ganvas.openLink: another link was opened meanwhile');
    orThrow(jsonFrom(native.openLink(url)));
    for (;;) {
      const d = statusNow().digit;
      if (d.link_state === 'shown') return digit();
      if (d.link_state !== 'rebuilding') throw new Error(d.link_message || `the link was not opened (${d.link_state})`);
      await afterNextFrame();
      if (generation !== openGeneration) throw new Error('ganvas.openLink: another link was opened meanwhile');
    }
  }

  // The link in the address: opened when the page is ready and whenever it changes.
  function openLinkInAddress() {
    if (!settled || !/(^#|&)ganvas=/.test(window.location.hash)) return;
    openLink(window.location.href).catch((e) => console.warn(`Ganvas: ${e.message}`));
  }
  window.addEventListener('hashchange', openLinkInAddress);
  ready.then(openLinkInAddress, () => {});

  // [SECTION] The Digit window's clipboard and PNG (hooks in web/main_web.cpp).
  let copied = null;
  function copyWithTextarea(text) {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch { /* reported below */ }
    area.remove();
    if (!ok) console.warn('Ganvas: the browser refused to copy to the clipboard');
  }
  Module.ganvasCopyText = (fragment) => {
    // The app hands a fragment ("#ganvas=1&..."): the link is this page's address with it.
    const text = fragment.startsWith('#') ? location.origin + location.pathname + fragment : fragment;
    copied = text;
    if (navigator.clipboard && navigator.clipboard.writeText)
      navigator.clipboard.writeText(text).catch(() => copyWithTextarea(text));
    else
      copyWithTextarea(text);
  };

  // Grey pixels (width x height) to a PNG, scaled up by whole pixels to at least 280 px wide.
  Module.ganvasDownloadPng = (grey, width, height, name) => {
    const scale = Math.max(1, Math.floor(280 / width));
    const source = document.createElement('canvas');
    source.width = width;
    source.height = height;
    const rgba = new ImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      rgba.data.fill(grey[i], 4 * i, 4 * i + 3);
      rgba.data[4 * i + 3] = 255;
    }
    source.getContext('2d').putImageData(rgba, 0, 0);
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = height * scale;
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => {
      if (blob) downloadBytes(blob, name);
      else console.warn('Ganvas: the browser could not encode the PNG');
    }, 'image/png');
  };

  window.ganvas = {
    ready,
    status() {
      return JSON.parse(Module.UTF8ToString(exportsOrThrow().status()));
    },
    start() {
      const native = exportsOrThrow();
      if (benchRun) benchRun.resume = true;
      else native.start();
    },
    pause() {
      exportsOrThrow().pause();
      if (benchRun) benchRun.resume = false;
    },
    reset() {
      const result = jsonFrom(exportsOrThrow().reset());
      if (benchRun) benchRun.resume = false;  // reset leaves the model paused at step 0
      orThrow(result);
    },
    setSetting(key, value) {
      if (typeof key !== 'string') throw new TypeError('ganvas.setSetting(key, value): key must be a string');
      const text = Array.isArray(value) ? value.join(',') : String(value);
      return jsonFrom(exportsOrThrow().setSetting(key, text));
    },
    stepD() {
      orThrow(jsonFrom(exportsOrThrow().stepAlone(0)));
      return statusNow();
    },
    stepG() {
      orThrow(jsonFrom(exportsOrThrow().stepAlone(1)));
      return statusNow();
    },
    setSpeed(stepsPerSecond) {
      if (!(typeof stepsPerSecond === 'number' && stepsPerSecond >= 0))
        throw new TypeError('ganvas.setSpeed(stepsPerSecond): a number >= 0 (0: full speed)');
      return exportsOrThrow().setSpeed(stepsPerSecond);
    },
    runSteps(n) {
      if (!Number.isInteger(n) || n < 1) throw new TypeError('ganvas.runSteps(n): n must be an integer >= 1');
      exportsOrThrow().runSteps(n);
    },
    step(n = 1) {
      if (!Number.isInteger(n) || n < 1) throw new TypeError('ganvas.step(n): n must be an integer >= 1');
      orThrow(jsonFrom(exportsOrThrow().step(n)));
      return statusNow().step;
    },
    setThreads(n) {
      if (!Number.isInteger(n) || n < 1) throw new TypeError('ganvas.setThreads(n): n must be an integer >= 1');
      return exportsOrThrow().setThreads(Math.min(n, 1024));
    },
    bench,
    async saveCheckpoint() {
      return saveCheckpointNow();
    },
    async downloadCheckpoint() {
      const bytes = saveCheckpointNow();
      const name = `ganvas-step${JSON.parse(Module.UTF8ToString(exportsOrThrow().status())).step}.safetensors`;
      downloadBytes(bytes, name);
      return name;
    },
    loadCheckpoint,
    gridZ() {
      return floatsFrom(exportsOrThrow().gridZ, 'gridZ');
    },
    samplesRaw() {
      return floatsFrom(exportsOrThrow().samplesRaw, 'samplesRaw');
    },
    selectSample(i) {
      if (!Number.isInteger(i)) throw new TypeError('ganvas.selectSample(i): i must be an integer 0..63');
      orThrow(jsonFrom(exportsOrThrow().selectSample(i)));
      return digit();
    },
    digit,
    setDigitSlerp,
    setDigitRaw,
    openLink,
    gridLink() {
      const fragment = Module.UTF8ToString(exportsOrThrow().gridLink());
      return fragment ? pageUrl(fragment) : null;
    },
    loadGenerator,
    loadShippedGenerator,
    copiedText() {
      return copied;
    },
    windows() {
      return JSON.parse(Module.UTF8ToString(exportsOrThrow().windows()));
    },
    resetLayout() {
      exportsOrThrow().resetLayout();
    },
    diagnosis() {
      return JSON.parse(Module.UTF8ToString(exportsOrThrow().diagnosis()));
    },
    showMessage(text, isError = false) {
      exportsOrThrow().showMessage(String(text), isError ? 1 : 0);
    },
    historyText() {
      return Module.UTF8ToString(exportsOrThrow().historyJson());
    },
    history() {
      // historyText() has the bits; here non-finite values ("nan", "inf") are null.
      const h = JSON.parse(Module.UTF8ToString(exportsOrThrow().historyJson()));
      const num = (v) => (typeof v === 'number' ? v : null);
      return { steps_per_point: h.stride, d_loss: h.d_loss.map(num), g_loss: h.g_loss.map(num),
        d_real: h.d_real.map(num), d_fake: h.d_fake.map(num) };
    },
    changeSetting(key, value) {
      if (typeof key !== 'string') throw new TypeError('ganvas.changeSetting(key, value): key must be a string');
      return orThrow(jsonFrom(exportsOrThrow().changeSetting(key, String(value))));
    },
    presets() {  // [{name, summary, changes}], "seed" first
      return JSON.parse(Module.UTF8ToString(exportsOrThrow().presets()));
    },
    setPreset(name) {  // a Reset to a fresh model of the preset, paused at step 0
      if (typeof name !== 'string') throw new TypeError('ganvas.setPreset(name): name must be a string');
      orThrow(jsonFrom(exportsOrThrow().setPreset(name)));
      return statusNow();
    },
    applyRemedy(remedy) {  // an alert's remedy ("key=value ..."), as its button applies it
      if (typeof remedy !== 'string') throw new TypeError('ganvas.applyRemedy(remedy): remedy must be a string');
      orThrow(jsonFrom(exportsOrThrow().applyRemedy(remedy)));
      return statusNow();
    },
    readyMs: null,  // set when ready resolves
    build: null,  // set below
  };

  // [SECTION] Which build: threads where the browser lets workers share memory.
  const wantThreads = new URLSearchParams(window.location.search).get('threads') !== '0';
  const canThread = window.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  const threaded = wantThreads && canThread;
  window.ganvas.build = {
    name: threaded ? 'ganvas_mt' : 'ganvas_st',
    threads: threaded,
    reason: !wantThreads
      ? 'one thread: the address says ?threads=0'
      : canThread
        ? 'threads: the page is cross-origin isolated'
        : 'one thread: the page is not cross-origin isolated (its server sends no COOP/COEP headers)',
  };
  console.log(`Ganvas: loading ${window.ganvas.build.name}.js (${window.ganvas.build.reason})`);
  const loader = document.createElement('script');
  loader.src = window.ganvas.build.name + '.js';
  loader.onerror = () => fail(`Could not load ${loader.src}; is the page served from the build folder?`);
  document.body.appendChild(loader);
})();
