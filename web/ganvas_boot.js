// ganvas_boot.js - chooses the app's build and loads it; the page's last script, so window.ganvas
// is complete before the app starts (ganvas_api.js lists the page's scripts).
//
// One of the app's two builds:
//   ganvas_mt.js  threads (Emscripten pthreads) when the page is cross-origin isolated, which
//                 SharedArrayBuffer needs (web/serve.mjs sends the COOP/COEP headers);
//   ganvas_st.js  one thread otherwise, or when the URL says ?threads=0.
(function () {
  'use strict';
  const { fail } = window.ganvas.internal;

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
