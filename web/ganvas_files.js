// ganvas_files.js - checkpoints in the page: save, download, load (ganvas_api.js lists the
// page's scripts).
//
//   window.ganvas.saveCheckpoint()
//                           Promise<Uint8Array>: the model as a safetensors checkpoint (no download).
//   window.ganvas.downloadCheckpoint()
//                           Promise<string>: downloads it as ganvas-step<N>.safetensors (the name).
//   window.ganvas.loadCheckpoint(bytesOrFile, {history})
//                           Uint8Array, ArrayBuffer or Blob/File. Promise of {ok: true, step};
//                           rejects with Error(message) for a bad file, and then the model and
//                           training state are unchanged. A loaded model is paused. With history
//                           (historyText() of that step) the loss curves come back too.
// The Training window's "Save checkpoint" button downloads, "Load checkpoint..." opens the hidden
// <input type=file> (input.ganvas-checkpoint-input); a file dropped onto the page loads too (IDX
// files dropped go to ganvas_data.js: your own images).
// The outcome also shows in the app's status line and in status().message.
(function () {
  'use strict';
  const internal = window.ganvas && window.ganvas.internal;
  if (!internal) throw new Error('ganvas_files.js needs ganvas_api.js loaded before it');
  const { Module, exportsOrThrow, isSettled, toBytes, withBytes } = internal;

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
      if (isSettled()) loadChosenFile(file);
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
    const files = event.dataTransfer ? Array.from(event.dataTransfer.files) : [];
    if (files.length === 0) return;
    event.preventDefault();
    if (!isSettled()) return;
    // IDX images (gzip or not) go to ganvas_data.js; anything else is tried as a checkpoint.
    (async () => {
      if (internal.looksLikeData && (await internal.looksLikeData(files[0]))) return internal.loadDataFiles(files);
      return loadCheckpoint(files[0]);
    })().catch((e) => console.warn(e.message));
  });

  internal.downloadBytes = downloadBytes;
  Object.assign(window.ganvas, {
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
  });
})();
