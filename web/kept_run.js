// kept_run.js - a closed tab loses nothing (issue 12): the page keeps the current run in this
// browser's IndexedDB and offers to resume it on the next visit.
//
// What is kept: one record {version, step, savedAt (ms since 1970), checkpoint (the safetensors
// bytes of window.ganvas.saveCheckpoint(): weights, Adam state, random streams, sampler position
// and the recipe with every setting changed), history (window.ganvas.historyText(): the loss
// curves of that step)} under database "ganvas", store "runs", key "current". It is written every
// KEEP_EVERY_MS when the step moved, and when the tab is hidden or closed (visibilitychange /
// pagehide); never while nothing changed.
//
// On the next visit, once the app is ready: with a kept run past step 0 and no share link in the
// address, the app's "Resume your run?" window (shell/ui/resume_window.cpp) asks. Resume loads
// the checkpoint with its history: training continues bit for bit as if the tab had never closed
// (the checkpoint holds whole iterations and every stream). Start over forgets it. Until the
// visitor answers, nothing is kept, so the earlier run is never overwritten by accident; with a
// link in the address the kept run is left alone for a later plain visit.
//
// window.ganvas.keptRun:
//   info()          Promise of {step, savedAt} of the kept run, or null
//   keepNow()       Promise: keeps the run now (resolves with its step, or null when there was
//                   nothing new to keep or keeping is suspended)
//   resume()        Promise of {ok, step}: what the Resume button does
//   discard()       Promise: what Start over does
//   state()         {offered, keeping, lastKeptStep, error}: offered = the question is open
// Failures (storage full, private mode without IndexedDB) show in the app's status line once and
// never stop training.
(() => {
  'use strict';
  const DB_NAME = 'ganvas';
  const STORE = 'runs';
  const KEY = 'current';
  const RECORD_VERSION = 1;
  const KEEP_EVERY_MS = 5000;

  const ganvas = window.ganvas;
  let offered = false;    // the Resume window is open
  let keeping = false;    // keeping is allowed (no unanswered kept run, no link visit)
  let lastKeptStep = -1;
  let busy = null;        // the keep in flight
  let error = '';

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error || new Error('IndexedDB request failed'));
    });
  }
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      if (!window.indexedDB) return Promise.reject(new Error('this browser has no IndexedDB'));
      const open = window.indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE);
      dbPromise = request(open);
      dbPromise.catch(() => { dbPromise = null; });
    }
    return dbPromise;
  }
  async function withStore(mode, fn) {
    const tx = (await db()).transaction(STORE, mode);
    const result = await request(fn(tx.objectStore(STORE)));
    if (mode === 'readwrite') {
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = tx.onabort = () => reject(tx.error || new Error('IndexedDB transaction failed'));
      });
    }
    return result;
  }
  // The kept record, checked as data from outside (another version of the page may have written it).
  async function readRecord() {
    const r = await withStore('readonly', (s) => s.get(KEY));
    if (!r || typeof r !== 'object' || r.version !== RECORD_VERSION || !Number.isSafeInteger(r.step) ||
        !(r.checkpoint instanceof Uint8Array) || typeof r.history !== 'string') return null;
    return r;
  }

  function report(e) {
    const message = `Could not keep the run in this browser: ${e && e.message ? e.message : e}`;
    if (message !== error) {
      error = message;
      console.warn(message);
      try {
        ganvas.showMessage(message, true);
      } catch { /* the app is gone */ }
    }
  }

  async function keepNow() {
    if (!keeping) return null;
    if (busy) await busy.catch(() => {});
    const s = ganvas.status();
    if (!s.ready || s.explore_only || (s.rebuild && s.rebuild.active) || s.step === lastKeptStep) return null;
    busy = (async () => {
      const checkpoint = await ganvas.saveCheckpoint();  // finishes a begun iteration first
      const history = ganvas.historyText();                // the same step: no frame ran between
      const step = ganvas.status().step;
      await withStore('readwrite', (store) => store.put(
        { version: RECORD_VERSION, step, savedAt: Date.now(), checkpoint, history }, KEY));
      lastKeptStep = step;
      error = '';
      return step;
    })();
    try {
      return await busy;
    } catch (e) {
      report(e);
      return null;
    } finally {
      busy = null;
    }
  }

  // The Resume window closes once answered, here or by its buttons.
  function withdrawOffer() {
    if (offered) window.Module.ccall('ganvas_offer_saved_run', null, ['number', 'string'], [-1, '']);
    offered = false;
  }

  async function resume() {
    const r = await readRecord();
    withdrawOffer();
    if (!r) {
      keeping = true;
      throw new Error('there is no kept run to resume');
    }
    try {
      const loaded = await ganvas.loadCheckpoint(r.checkpoint, { history: r.history });
      lastKeptStep = loaded.step;
      return loaded;
    } finally {
      keeping = true;  // a refused file stays kept until the next keep replaces it (the app said why)
    }
  }

  async function discard() {
    withdrawOffer();
    try {
      await withStore('readwrite', (s) => s.delete(KEY));
    } catch (e) {
      report(e);
    }
    lastKeptStep = -1;
    keeping = true;
  }

  function offer(step, savedAt) {
    const when = new Date(savedAt);
    const text = Number.isFinite(when.getTime())
      ? when.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '';
    window.Module.ccall('ganvas_offer_saved_run', null, ['number', 'string'], [step, text]);
  }
  window.Module.ganvasSavedRunChoice = (wantResume) => {
    (wantResume ? resume() : discard()).catch((e) => ganvas.showMessage(`Cannot resume: ${e.message}`, true));
  };

  ganvas.keptRun = {
    async info() {
      const r = await readRecord();
      return r ? { step: r.step, savedAt: r.savedAt } : null;
    },
    keepNow,
    resume,
    discard,
    state() {
      return { offered, keeping, lastKeptStep, error };
    },
  };

  ganvas.ready.then(async () => {
    let kept = null;
    try {
      kept = await readRecord();
    } catch (e) {
      report(e);
    }
    const linked = /(^#|&)ganvas=/.test(window.location.hash);
    if (kept && kept.step > 0) {
      if (!linked) {
        offered = true;
        offer(kept.step, kept.savedAt);
      }
    } else {
      keeping = true;
    }
    setInterval(keepNow, KEEP_EVERY_MS);  // nothing is written while the step stands still
    const onHide = () => { keepNow(); };
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') onHide();
    });
    window.addEventListener('pagehide', onHide);
  }, () => {});
})();
