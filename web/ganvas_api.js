// ganvas_api.js - the page glue: Emscripten's Module settings, the ready promise, the C exports
// and window.ganvas's core (training, settings, status, diagnosis). The page's other scripts add
// to window.ganvas, one concern each; ganvas.html loads them in this order:
//   ganvas_api.js     this file
//   ganvas_files.js   checkpoints: save, download, load (the file picker, a dropped file)
//   ganvas_links.js   the digit, share links, the shipped generator, the clipboard and PNGs
//   ganvas_bench.js   bench()
//   ganvas_data.js    your own images: loadData (the "Load images..." picker, dropped IDX files)
//   kept_run.js       the run kept in IndexedDB (keptRun)
//   ganvas_boot.js    chooses the build and loads it, last, so everything above is in place
// They share what they need through window.ganvas.internal (not enumerable, not an API).
//
// The builds (ganvas_boot.js chooses one):
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
//   window.ganvas.setChart({log, smoothing, view})
//                           what every chart shows, as the Losses window's controls set it: log (true/
//                           false), smoothing (0..0.99, the moving average's weight), view ('losses' or
//                           'd_outputs': the Losses window's D(x), D(G(z)) toggle); omitted keys stay.
//                           Returns the options {log_scale, smoothing, view}; throws TypeError otherwise.
//   window.ganvas.charts()  {options, charts: [{id, x, y, width, height (the plot, CSS pixels), log_scale,
//                           smoothing, points, left_out, y_lo, y_hi, series, y_labels, x_labels, hover:
//                           null or {step, raw, smoothed (per series)}}]}: the charts drawn in the last
//                           frame ("history" in Losses; "FD", "modes", ..., "d_outputs" in Diagnosis).
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

  const internal = { benchRun: null };  // shared with the page's other scripts (see the top)

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
        bench: Module.cwrap('ganvas_bench_json', 'number', ['number', 'number', 'number', 'number', 'string']),
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
        setChart: Module.cwrap('ganvas_set_chart', 'number', ['number', 'number', 'number']),
        charts: Module.cwrap('ganvas_charts_json', 'number', []),
        loadData: Module.cwrap('ganvas_load_data', 'number', ['number', 'number', 'number', 'number', 'string']),
      };
    }
    return native;
  }

  // [SECTION] Helpers the page's scripts share (window.ganvas.internal)
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
    if (internal.benchRun) internal.benchRun.resume = false;  // a loaded model starts paused
    return result;
  }

  async function fetchOk(name) {
    const response = await fetch(name);
    if (!response.ok) throw new Error(`ganvas: fetching ${name} gave HTTP ${response.status}`);
    return response;
  }

  const jsonFrom = (ptr) => JSON.parse(Module.UTF8ToString(ptr));
  const statusNow = () => jsonFrom(exportsOrThrow().status());
  function orThrow(result) {
    if (!result.ok) throw new Error(result.error);
  }

  // The diagnosis's classifier (shell/diagnosis.h): fetched the first time a diagnosis point is
  // due, never with the page (it is not in the preloaded .data).
  Module.ganvasLoadClassifier = () => {
    fetchOk('classifier.safetensors')
      .then((r) => r.arrayBuffer())
      .then((buffer) => {
        const resume = internal.benchRun ? internal.benchRun.resume : false;  // not a model: a benchmark still resumes
        withBytes(exportsOrThrow().loadClassifier, new Uint8Array(buffer), 'loadClassifier');
        if (internal.benchRun) internal.benchRun.resume = resume;
      })
      .catch((e) => exportsOrThrow().classifierFailed(e.message));
  };


  window.ganvas = {
    ready,
    status() {
      return JSON.parse(Module.UTF8ToString(exportsOrThrow().status()));
    },
    start() {
      const native = exportsOrThrow();
      if (internal.benchRun) internal.benchRun.resume = true;
      else native.start();
    },
    pause() {
      exportsOrThrow().pause();
      if (internal.benchRun) internal.benchRun.resume = false;
    },
    reset() {
      const result = jsonFrom(exportsOrThrow().reset());
      if (internal.benchRun) internal.benchRun.resume = false;  // reset leaves the model paused at step 0
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
    gridZ() {
      return floatsFrom(exportsOrThrow().gridZ, 'gridZ');
    },
    samplesRaw() {
      return floatsFrom(exportsOrThrow().samplesRaw, 'samplesRaw');
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
    setChart({ log, smoothing, view } = {}) {
      if (log !== undefined && typeof log !== 'boolean') throw new TypeError('ganvas.setChart: log must be true or false');
      if (smoothing !== undefined && !(typeof smoothing === 'number' && smoothing >= 0 && smoothing <= 0.99))
        throw new TypeError('ganvas.setChart: smoothing must be a number in [0, 0.99]');
      if (view !== undefined && view !== 'losses' && view !== 'd_outputs')
        throw new TypeError("ganvas.setChart: view must be 'losses' or 'd_outputs'");
      const code = view === undefined ? -1 : view === 'd_outputs' ? 1 : 0;
      return jsonFrom(exportsOrThrow().setChart(log === undefined ? -1 : log ? 1 : 0,
        smoothing === undefined ? NaN : smoothing, code)).options;
    },
    charts() {
      return jsonFrom(exportsOrThrow().charts());
    },
    readyMs: null,  // set when ready resolves
    build: null,  // set by ganvas_boot.js
  };

  Object.assign(internal, { Module, ready, fail, isSettled: () => settled, exportsOrThrow, afterNextFrame, floatsFrom,
    toBytes, withBytes, fetchOk, jsonFrom, statusNow, orThrow });
  Object.defineProperty(window.ganvas, 'internal', { value: internal, enumerable: false });
})();
