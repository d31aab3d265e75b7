// ganvas_data.js - training on your own images in the page (ganvas_api.js lists the page's scripts).
//
//   window.ganvas.loadData(images, labels)
//                           IDX files (Uint8Array, ArrayBuffer or Blob/File), gzip or not; labels
//                           optional. 28x28 grey images, at least one batch (Fashion-MNIST, the
//                           60,000 MNIST digits, ...). Promise of {ok: true, count, labels, hash}
//                           (status().data); a fresh model at step 0 trains on them. Rejects with
//                           Error(message) for anything else (not IDX, 32x32, a truncated gzip, too
//                           few images): the current data and run are kept, and the message also
//                           shows in the app's status line.
// The Real digits window's "Load images..." opens the hidden <input type=file multiple>
// (input.ganvas-data-input); IDX files dropped onto the page load too (ganvas_files.js hands them
// here). Which file is which comes from the IDX magic: 0x00000803 images, 0x00000801 labels.
// gzip is undone here, by the browser's DecompressionStream (the wasm core has no zlib), with the
// core's limit on the decompressed size, so a small file cannot unpack into gigabytes.
(function () {
  'use strict';
  const internal = window.ganvas && window.ganvas.internal;
  if (!internal) throw new Error('ganvas_data.js needs ganvas_api.js loaded before it');
  const { Module, exportsOrThrow, isSettled, toBytes, statusNow } = internal;

  const kMaxDecompressed = 60000 * 28 * 28 * 2;  // kIdxMaxDecompressed (core/io/dataset.h)
  const isGzip = (b) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
  const idxKind = (b) => (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0x08 ? b[3] : 0);  // 3 images, 1 labels

  async function gunzip(bytes, what) {
    if (typeof DecompressionStream !== 'function')
      throw new Error(`${what} is gzip, and this browser cannot decompress it (no DecompressionStream): unzip it first`);
    const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
    const parts = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.length;
        if (total > kMaxDecompressed) {
          reader.cancel().catch(() => {});
          throw new Error(`${what} unpacks to more than ${kMaxDecompressed} bytes (60,000 images of 28x28, twice over)`);
        }
        parts.push(value);
      }
    } catch (e) {
      if (e.message && e.message.includes('unpacks to more')) throw e;
      throw new Error(`${what} is not a whole gzip stream (truncated or corrupt: ${e.message || e})`);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  async function plainBytes(source, what) {
    const bytes = await toBytes(source, 'loadData');
    return isGzip(bytes) ? gunzip(bytes, what) : bytes;
  }

  const nameOf = (source, fallback) => (source && typeof source.name === 'string' && source.name) || fallback;

  // Calls the core with copies of both in wasm memory; the outcome JSON, or throws its error.
  function loadPlain(images, labels, name) {
    const native = exportsOrThrow();
    const ip = Module._malloc(Math.max(images.length, 1));
    const lp = labels ? Module._malloc(Math.max(labels.length, 1)) : 0;
    try {
      if (!ip || (labels && !lp)) throw new Error(`ganvas.loadData: out of memory for ${images.length} bytes of images`);
      Module.HEAPU8.set(images, ip);  // read HEAPU8 after malloc: memory may have grown
      if (labels) Module.HEAPU8.set(labels, lp);
      const result = JSON.parse(Module.UTF8ToString(native.loadData(ip, images.length, lp, labels ? labels.length : 0, name)));
      if (!result.ok) throw new Error(result.error);
    } finally {
      Module._free(ip);
      if (lp) Module._free(lp);
    }
    if (internal.benchRun) internal.benchRun.resume = false;  // a fresh model starts paused
    const d = statusNow().data;
    return { ok: true, count: d.count, labels: d.labels, hash: d.hash, name: d.name };
  }

  // Unzips what is gzip; a refusal here reads like the core's, in the status line too.
  async function unzipAll(sources, name) {
    try {
      return await Promise.all(sources.map((s) => (s == null ? null : plainBytes(s, nameOf(s, 'the labels')))));
    } catch (e) {
      const text = `Cannot train on ${name}: ${e.message}. The current data and run are kept.`;
      exportsOrThrow().showMessage(text, 1);
      throw new Error(text);
    }
  }

  async function loadData(images, labels = null) {
    exportsOrThrow();
    if (images == null) throw new TypeError('ganvas.loadData: pass the images (an IDX file: Uint8Array, ArrayBuffer or File)');
    const name = nameOf(images, 'your images');
    const [plainImages, plainLabels] = await unzipAll([images, labels], name);
    return loadPlain(plainImages, plainLabels, name);
  }

  // Picked or dropped files: the images and (optionally) the labels, told apart by their magic
  // once unzipped (a file that is neither goes to the core as the images, which says why not).
  async function loadDataFiles(files) {
    const list = Array.from(files || []).slice(0, 2);
    if (list.length === 0) return null;
    exportsOrThrow();
    const plain = await unzipAll(list, list.map((f) => f.name).join(' and '));
    const kinds = plain.map(idxKind);
    let at = kinds.indexOf(3);
    if (at < 0) at = kinds.findIndex((k) => k !== 1);
    if (at < 0) at = 0;
    const other = list.length === 2 && kinds[1 - at] === 1 ? 1 - at : -1;
    return loadPlain(plain[at], other >= 0 ? plain[other] : null, nameOf(list[at], 'your images'));
  }
  internal.loadDataFiles = loadDataFiles;
  internal.looksLikeData = async (file) => {
    const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
    return isGzip(head) || idxKind(head) !== 0;
  };

  const picker = document.querySelector('input.ganvas-data-input');
  if (picker) {
    picker.addEventListener('change', () => {
      const files = Array.from(picker.files || []);
      picker.value = '';  // choosing the same files again fires 'change' again
      if (isSettled()) loadDataFiles(files).catch((e) => console.warn(e.message));
    });
  }
  Module.ganvasPickData = () => {
    if (picker) picker.click();
  };

  Object.assign(window.ganvas, { loadData });
})();
