// ganvas_links.js - the digit and share links in the page: the selected digit, interpolations,
// opening links, the shipped generator, the Digit window's clipboard and PNG (ganvas_api.js
// lists the page's scripts).
//
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
(function () {
  'use strict';
  const internal = window.ganvas && window.ganvas.internal;
  if (!internal) throw new Error('ganvas_links.js needs ganvas_api.js loaded before it');
  const { Module, ready, isSettled, exportsOrThrow, afterNextFrame, floatsFrom, toBytes, withBytes, fetchOk, jsonFrom, statusNow, orThrow } = internal;

  const pageUrl = (fragment) => window.location.origin + window.location.pathname + '#' + fragment;

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
    if (!isSettled() || !/(^#|&)ganvas=/.test(window.location.hash)) return;
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
      if (blob) internal.downloadBytes(blob, name);
      else console.warn('Ganvas: the browser could not encode the PNG');
    }, 'image/png');
  };

  Object.assign(window.ganvas, {
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
  });
})();
