// ganvas_api.js - the page glue: Emscripten's Module settings and window.ganvas.
//
// Loaded by shell.html before Emscripten's loader (ganvas.js), so the loader finds Module.
//   window.ganvas.ready     Promise: resolves when the runtime is up and the app has loaded
//                           its digits; rejects with the reason otherwise.
//   window.ganvas.status()  {step, epoch, d_loss, g_loss, d_real, d_fake, iters_per_sec,
//                           train_slice_ms, frame_ms,
//                           running, ready, error, samples_rect, real_rect}
//   window.ganvas.start() / pause() / reset()
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
    showLoading(message, true);
    if (!settled) {
      settled = true;
      rejectReady(new Error(message));
    }
  }

  const Module = (window.Module = window.Module || {});
  Module.canvas = document.getElementById('canvas');
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
      resolveReady();
    }
  };
  if (Module.canvas) {
    Module.canvas.addEventListener('webglcontextlost', (event) => {
      event.preventDefault();
      fail('The WebGL context was lost; reload the page.');
    });
  }

  let native = null;
  function exportsOrThrow() {
    if (!settled) throw new Error('Ganvas is not ready yet: await window.ganvas.ready first');
    if (!native) {
      native = {
        start: Module.cwrap('ganvas_start', null, []),
        pause: Module.cwrap('ganvas_pause', null, []),
        reset: Module.cwrap('ganvas_reset', null, []),
        status: Module.cwrap('ganvas_status_json', 'number', []),
      };
    }
    return native;
  }

  window.ganvas = {
    ready,
    status() {
      return JSON.parse(Module.UTF8ToString(exportsOrThrow().status()));
    },
    start() {
      exportsOrThrow().start();
    },
    pause() {
      exportsOrThrow().pause();
    },
    reset() {
      exportsOrThrow().reset();
    },
  };
})();
