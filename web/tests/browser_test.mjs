#!/usr/bin/env node
// browser_test.mjs - the page trains in a real browser: headless Chromium (SwiftShader WebGL2).
//
//   node web/tests/browser_test.mjs [--dir build/wasm/web | --url URL] [--screenshot PATH]
//                                   [--steps 300] [--timeout 120]
//
// Starts web/serve.mjs on a free port (unless --url is given), opens the page, awaits
// window.ganvas.ready, checks the canvas has a WebGL2 context and that the cross-origin isolated
// page runs the threaded build (ganvas_mt, training on its own thread), calls start() and waits for
// status().step >= --steps. Then checks the losses are finite, and - from a real screenshot,
// cropped to where the app reports it drew them - that the sample grid is not blank, that it
// changed since step 0, and that the real digits show; that status() reports frame times and
// memory; and that a tiny window.ganvas.bench() run returns well-formed results, rejects bad
// options and resumes training afterwards. Then checkpoints: saveCheckpoint() gives safetensors
// bytes (header length + JSON header naming the generator's tensors), a reset model loads them
// back at the saved step and trains on, a non-checkpoint and a truncated file are rejected with
// a message and leave the step unchanged, the hidden file picker loads a file, and
// downloadCheckpoint() downloads ganvas-step<N>.safetensors. Last, the page opened with
// no COOP/COEP headers (serve.mjs --no-isolation) runs the one-thread build (ganvas_st) and trains. Both builds' checkpoints are
// compared byte for byte with the native CLI's at the same step, and their sample grids
// (gridZ(), samplesRaw()) with `ganvas sample` of those checkpoints (when build/native exists).
// Saves the screenshot, prints the step, seconds and
// iterations/s, and exits non-zero with a message on any failure, including uncaught page
// errors. Needs npm playwright-core and /usr/bin/chromium (scripts/setup.sh).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { HarnessFailure, REPO, VIEWPORT, fail, openGanvas, sleep } from './harness.mjs';
// Pixel checks on the grids (grey levels 0..255, measured inside the drawn image).
const MIN_SAMPLES_STDDEV = 12;      // an untextured or uniform quad has ~0
const MIN_SAMPLES_CHANGE = 4;       // mean |after - before| since step 0: the grid is refreshed
const MIN_REAL_STDDEV = 40;         // real MNIST digits: black background, white strokes

function parseArgs(argv) {
  const o = { dir: join(REPO, 'build', 'wasm', 'web'), url: null, screenshot: join('test-results', 'browser.png'),
    steps: 300, timeout: 120 };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) fail(`${argv[i]} needs a value`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--dir': o.dir = value(); break;
      case '--url': o.url = value(); break;
      case '--screenshot': o.screenshot = value(); break;
      case '--steps': o.steps = Number(value()); break;
      case '--timeout': o.timeout = Number(value()); break;
      default: fail(`unknown argument '${argv[i]}'`);
    }
  }
  if (!(o.steps > 0) || !(o.timeout > 0)) fail('--steps and --timeout must be positive numbers');
  return o;
}

const TestFailure = HarnessFailure;

// Grey-level statistics of a rectangle of a PNG, decoded by the page's own image decoder.
// Returns {mean, stddev, dark, bright, grey} for the inset rect; grey is base64 of 8-bit levels.
async function pngRegionStats(page, png, rect) {
  return page.evaluate(async ({ b64, rect }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const inset = 2;  // stay clear of the image border
    const x = Math.round(rect.x) + inset, y = Math.round(rect.y) + inset;
    const w = Math.round(rect.width) - 2 * inset, h = Math.round(rect.height) - 2 * inset;
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(x, y, w, h).data;
    const grey = new Uint8Array(w * h);
    let sum = 0, sum2 = 0, dark = 0, bright = 0;
    for (let i = 0; i < w * h; i++) {
      const v = 0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2];
      grey[i] = v;
      sum += v;
      sum2 += v * v;
      if (v < 40) dark++;
      if (v > 200) bright++;
    }
    const n = w * h;
    const mean = sum / n;
    let greyText = '';
    for (let i = 0; i < grey.length; i += 0x8000) greyText += String.fromCharCode(...grey.subarray(i, i + 0x8000));
    return { mean, stddev: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), dark: dark / n, bright: bright / n,
      grey: btoa(greyText) };
  }, { b64: png.toString('base64'), rect });
}

function meanAbsDiff(a64, b64) {
  const a = Buffer.from(a64, 'base64');
  const b = Buffer.from(b64, 'base64');
  if (a.length !== b.length) fail(`the sample grid changed size (${a.length} vs ${b.length} pixels)`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

function checkRect(name, r) {
  if (!r || !(r.width > 50 && r.height > 50)) fail(`the app reports no ${name} image on screen: ${JSON.stringify(r)}`);
  if (r.x < 0 || r.y < 0 || r.x + r.width > VIEWPORT.width || r.y + r.height > VIEWPORT.height)
    fail(`the ${name} image is outside the ${VIEWPORT.width}x${VIEWPORT.height} canvas: ${JSON.stringify(r)}`);
}

const fmt = (stats) => `mean ${stats.mean.toFixed(1)}, stddev ${stats.stddev.toFixed(1)}, ` +
  `dark ${(100 * stats.dark).toFixed(0)}%, bright ${(100 * stats.bright).toFixed(0)}%`;

function saveScreenshot(path, png) {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, png);
}

// status() fields added for issue 4: frame-time percentiles and memory.
function checkPerformanceFields(status) {
  for (const key of ['frame_ms_median', 'frame_ms_p95', 'frame_work_ms_median', 'frame_work_ms_p95'])
    if (!(Number.isFinite(status[key]) && status[key] > 0)) fail(`status().${key} is not a positive number: ${status[key]}`);
  if (status.frame_ms_p95 < status.frame_ms_median) fail(`frame_ms_p95 ${status.frame_ms_p95} < median ${status.frame_ms_median}`);
  if (!(Number.isInteger(status.wasm_memory_bytes) && status.wasm_memory_bytes >= 16 << 20 && status.wasm_memory_bytes % 65536 === 0))
    fail(`status().wasm_memory_bytes is not a whole number of 64 KiB pages: ${status.wasm_memory_bytes}`);
  if (!(status.heap_in_use_bytes > 0 && status.heap_in_use_bytes <= status.wasm_memory_bytes))
    fail(`status().heap_in_use_bytes is not within the wasm memory: ${status.heap_in_use_bytes}`);
}

// A tiny benchmark while training: well-formed results, bad options rejected, training resumed.
async function checkBench(page) {
  const { results, statusAfter, badBatch, badTrials, badThreads, badPreset, unknownPreset, maxThreads } =
      await page.evaluate(async () => {
    const rejection = (p) => p.then(() => 'resolved', (e) => `${e.name}: ${e.message}`);
    const results = await window.ganvas.bench({ batches: [16, 8], trials: 1, steps: 2 });
    return { results, statusAfter: window.ganvas.status(), maxThreads: window.ganvas.status().max_threads,
      badBatch: await rejection(window.ganvas.bench({ batches: [0] })),
      badTrials: await rejection(window.ganvas.bench({ trials: 1.5 })),
      badThreads: await rejection(window.ganvas.bench({ threads: [0] })),
      badPreset: await rejection(window.ganvas.bench({ preset: 'Seed!' })),
      unknownPreset: await rejection(window.ganvas.bench({ batches: [8], trials: 1, steps: 1, preset: 'no-such-preset' })) };
  });
  // One result per batch size and thread count: 1 and every core (just 1 without threads).
  const threadCounts = maxThreads > 1 ? [1, maxThreads] : [1];
  const expected = [16, 8].flatMap((batch) => threadCounts.map((threads) => ({ batch, threads })));
  if (!Array.isArray(results) || results.length !== expected.length) fail(`bench() returned ${JSON.stringify(results)}`);
  results.forEach((r, i) => {
    for (const key of ['batch', 'threads', 'iters_per_sec', 'gflops', 'gemm_gflops', 'mflop_per_step', 'ms_d_forward'])
      if (!Number.isFinite(r[key])) fail(`bench() result ${i} has no number '${key}': ${JSON.stringify(r)}`);
    if (r.config !== 'seed' || r.batch !== expected[i].batch || r.threads !== expected[i].threads ||
        !(r.iters_per_sec > 0) || r.build !== statusAfter.build)
      fail(`bench() result ${i} is wrong: ${JSON.stringify(r)}`);
  });
  if (!statusAfter.running) fail('training did not resume after bench()');
  if (!badBatch.startsWith('TypeError')) fail(`bench({batches: [0]}) was not rejected: ${badBatch}`);
  if (!badTrials.startsWith('TypeError')) fail(`bench({trials: 1.5}) was not rejected: ${badTrials}`);
  if (!badThreads.startsWith('TypeError')) fail(`bench({threads: [0]}) was not rejected: ${badThreads}`);
  if (!badPreset.startsWith('TypeError')) fail(`bench({preset: 'Seed!'}) was not rejected: ${badPreset}`);
  // A well-formed name the core does not know: refused by bench_run with its reason.
  if (!unknownPreset.startsWith('Error') || !unknownPreset.includes('no-such-preset'))
    fail(`bench({preset: 'no-such-preset'}) was not refused by name: ${unknownPreset}`);
  return results;
}

// Polls status() until pred(status) holds; fails with `what` after `ms`.
async function waitForStatus(page, pred, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await page.evaluate(() => window.ganvas.status());
    if (pred(status)) return status;
    if (Date.now() > deadline) fail(`${what}; status ${JSON.stringify(status)}`);
    await sleep(50);
  }
}

// Save, reset, load back, reject bad files, the file picker and the download (issue 3 item 6).
async function checkCheckpoints(page, cleanup) {
  const saved = await page.evaluate(async () => {
    const bytes = await window.ganvas.saveCheckpoint();
    const step = window.ganvas.status().step;  // the same frame: no step ran in between
    window.__ganvasCheckpoint = bytes;
    if (!(bytes instanceof Uint8Array) || bytes.length < 8) return { size: bytes && bytes.length, step };
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
    let header = null;
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    } catch { /* reported below */ }
    return { size: bytes.length, step, headerLength, keys: header ? Object.keys(header) : null,
      metadata: header && header.__metadata__ };
  });
  if (!(saved.size > 1000)) fail(`saveCheckpoint() returned ${saved.size} bytes`);
  if (!(saved.headerLength > 2 && 8 + saved.headerLength <= saved.size))
    fail(`the checkpoint's header length ${saved.headerLength} does not fit its ${saved.size} bytes`);
  if (!saved.keys) fail('the checkpoint header is not JSON');
  if (!saved.keys.includes('generator.model.0.weight'))
    fail(`the checkpoint header has no generator.model.0.weight: ${saved.keys.slice(0, 8).join(', ')}...`);
  if (!saved.metadata || Number(saved.metadata.step) !== saved.step)
    fail(`the checkpoint metadata ${JSON.stringify(saved.metadata)} does not say step ${saved.step}`);
  const step = saved.step;

  const loaded = await page.evaluate(async () => {
    const g = window.ganvas;
    const rejection = (p) => p.then((r) => ({ resolved: r }), (e) => ({ name: e.name, message: e.message }));
    g.pause();
    g.reset();
    const afterReset = g.status().step;
    const result = await g.loadCheckpoint(window.__ganvasCheckpoint);
    const afterLoad = g.status();
    const junk = await rejection(g.loadCheckpoint(new Uint8Array([1, 2, 3])));
    const afterJunk = g.status();
    const bytes = window.__ganvasCheckpoint;
    const truncated = await rejection(g.loadCheckpoint(bytes.slice(0, bytes.length - 100)));
    const afterTruncated = g.status();
    return { afterReset, result, afterLoad, junk, afterJunk, truncated, afterTruncated };
  });
  if (loaded.afterReset !== 0) fail(`reset() left step ${loaded.afterReset}`);
  if (!loaded.result || loaded.result.ok !== true || loaded.result.step !== step)
    fail(`loadCheckpoint(saved bytes) gave ${JSON.stringify(loaded.result)}, expected step ${step}`);
  if (loaded.afterLoad.step !== step) fail(`after loading, status().step is ${loaded.afterLoad.step}, not ${step}`);
  if (loaded.afterLoad.running) fail('a loaded checkpoint should leave training paused');
  if (loaded.afterLoad.message !== `Loaded checkpoint: step ${step}`)
    fail(`the status line says '${loaded.afterLoad.message}' after loading`);
  for (const [what, r, after] of [['new Uint8Array([1,2,3])', loaded.junk, loaded.afterJunk],
    ['a truncated checkpoint', loaded.truncated, loaded.afterTruncated]]) {
    if (r.resolved || r.name !== 'Error' || !/checkpoint/i.test(r.message) || r.message.length < 30)
      fail(`loadCheckpoint(${what}) was not rejected with a clear message: ${JSON.stringify(r)}`);
    if (after.step !== step) fail(`loadCheckpoint(${what}) changed the step to ${after.step}`);
    if (!after.message_is_error || after.message !== r.message)
      fail(`the status line does not show why ${what} was refused: '${after.message}'`);
    if (after.error) fail(`a refused checkpoint set status().error: ${after.error}`);
    console.log(`browser_test: loadCheckpoint(${what}) rejected: ${r.message}`);
  }

  // The loaded model trains on from the saved step.
  await page.evaluate(() => window.ganvas.start());
  await waitForStatus(page, (s) => s.step >= step + 5 && !s.error, `training did not continue after step ${step}`);
  await page.evaluate(() => window.ganvas.pause());

  // The "Load checkpoint..." picker: the hidden <input type=file>, given the saved file.
  const file = await savedCheckpointToFile(page, `ganvas-step${step}.safetensors`, cleanup);
  sameBitsAsNative(file, step, 'ganvas_mt', cleanup);
  await page.evaluate(() => window.ganvas.reset());
  await page.setInputFiles('input.ganvas-checkpoint-input', file);
  await waitForStatus(page, (s) => s.step === step && s.message === `Loaded checkpoint: step ${step}`,
    `the file picker did not load ${file}`);
  await sameSamplesAsNative(page, file, 'ganvas_mt', cleanup);  // the page's model is the file's now

  // downloadCheckpoint(): a real download named after the step, with the same bytes.
  const [download, name] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }),
    page.evaluate(() => window.ganvas.downloadCheckpoint())]);
  const expected = `ganvas-step${step}.safetensors`;
  if (name !== expected || download.suggestedFilename() !== expected)
    fail(`downloadCheckpoint() named the file '${name}' / '${download.suggestedFilename()}', not ${expected}`);
  const downloaded = readFileSync(await download.path());
  if (!downloaded.equals(readFileSync(file))) fail(`the downloaded ${expected} differs from saveCheckpoint()'s bytes`);
  return { step, size: saved.size };
}

// Writes the page's window.__ganvasCheckpoint bytes to a temporary file `name`; returns its path.
async function savedCheckpointToFile(page, name, cleanup) {
  const b64 = await page.evaluate(() => {
    const bytes = window.__ganvasCheckpoint;
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  });
  const dir = mkdtempSync(join(tmpdir(), 'ganvas-checkpoint-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, Buffer.from(b64, 'base64'));
  return file;
}

// The page's checkpoint at `step` against the native CLI's after training as many steps from the
// same seed: byte for byte (README: determinism), when the native build is there (scripts/test.sh
// builds it first). The page sampled, benchmarked and trained on other threads meanwhile; none
// of that may change a bit.
const NATIVE_CLI = join(REPO, 'build', 'native', 'cli', 'ganvas');
function sameBitsAsNative(file, step, build, cleanup) {
  if (!existsSync(NATIVE_CLI)) {
    console.log(`browser_test: ${build} vs native: skipped (no ${NATIVE_CLI})`);
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'ganvas-native-'));
  cleanup.push(() => rmSync(out, { recursive: true, force: true }));
  execFileSync(NATIVE_CLI, ['train', '--preset', 'seed', '--seed', '1', '--steps', String(step), '--out', out],
    { stdio: 'ignore' });
  const native = readFileSync(join(out, 'checkpoint.safetensors'));
  if (!native.equals(readFileSync(file)))
    fail(`${build}'s checkpoint at step ${step} differs from \`ganvas train --steps ${step}\`'s (native)`);
  console.log(`browser_test: ${build}'s checkpoint at step ${step} is byte-identical to the native CLI's`);
}

// The page's grid against the native CLI's `ganvas sample` of the same checkpoint (file): the
// page's samplesRaw() (G of its grid z now) must equal `--count 64 --bn train --raw` bit for bit
// (the same z of (seed, 0..63) and the same weights), and the page's gridZ() fed back as `--z`
// must give those pixels too. The page's model must be the file's when this is called.
async function sameSamplesAsNative(page, file, build, cleanup) {
  const { z, pixels } = await page.evaluate(() => {
    const b64 = (floats) => {
      const bytes = new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(text);
    };
    return { z: b64(window.ganvas.gridZ()), pixels: b64(window.ganvas.samplesRaw()) };
  });
  const zBytes = Buffer.from(z, 'base64');
  const pageSamples = Buffer.from(pixels, 'base64');
  if (pageSamples.length !== 64 * 784 * 4) fail(`samplesRaw() gave ${pageSamples.length / 4} floats, not 64 x 784`);
  if (zBytes.length === 0 || zBytes.length % (64 * 4) !== 0) fail(`gridZ() gave ${zBytes.length / 4} floats, not 64 x latent`);
  if (!existsSync(NATIVE_CLI)) {
    console.log(`browser_test: ${build} grid vs native \`ganvas sample\`: skipped (no ${NATIVE_CLI})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ganvas-samples-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const sample = (args, out) => {
    execFileSync(NATIVE_CLI, ['sample', '--checkpoint', file, '--bn', 'train', '--raw', join(dir, out), ...args],
      { stdio: 'ignore' });
    return readFileSync(join(dir, out));
  };
  const bySeed = sample(['--count', '64'], 'seed.f32');
  writeFileSync(join(dir, 'z.f32'), zBytes);
  const byZ = sample(['--z', join(dir, 'z.f32')], 'z.f32.out');
  if (!bySeed.equals(pageSamples)) {
    const a = new Float32Array(bySeed.buffer, bySeed.byteOffset, bySeed.length / 4);
    const b = new Float32Array(pageSamples.buffer, pageSamples.byteOffset, pageSamples.length / 4);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    fail(`${build}'s grid differs from \`ganvas sample --count 64 --bn train\` (largest difference ${worst})`);
  }
  if (!byZ.equals(bySeed)) fail(`\`ganvas sample --z\` of ${build}'s gridZ() differs from its --count 64 grid: other z`);
  console.log(`browser_test: ${build}'s grid (gridZ(), samplesRaw()) is bit-identical to \`ganvas sample --count 64\``);
}

// Which build the page loaded (web/ganvas_boot.js chooses) and that it trains on every core it has.
async function checkBuild(page, expected) {
  const { build, status } = await page.evaluate(() => ({ build: window.ganvas.build, status: window.ganvas.status() }));
  if (!build || build.name !== expected.name || status.build !== expected.status)
    fail(`the page loaded ${JSON.stringify(build)} (status().build ${status.build}), expected ${expected.name}`);
  // The threaded build trains on a thread of its own (shell/trainer_thread.h) and leaves one core
  // for drawing; the one-thread build trains in slices of each frame.
  if (status.trainer_thread !== expected.trainerThread)
    fail(`status().trainer_thread is ${status.trainer_thread} in ${build.name}, expected ${expected.trainerThread}`);
  const defaultThreads = status.trainer_thread ? Math.max(1, status.max_threads - 1) : status.max_threads;
  if (!(status.max_threads >= 1) || status.threads !== defaultThreads)
    fail(`status() says ${status.threads} of ${status.max_threads} threads, expected ${defaultThreads}`);
  console.log(`browser_test: ${build.name}.js (${build.reason}), ` +
    `${status.trainer_thread ? 'training on its own thread' : 'training in frame slices'}, ` +
    `GEMM on ${status.threads} of ${status.max_threads} thread(s)`);
}

// The same page from a server without the COOP/COEP headers (an ordinary static host): no
// SharedArrayBuffer, so the one-thread build loads, and trains.
const ONE_THREAD_STEPS = 30;
async function checkOneThreadBuild(options, cleanup) {
  const session = options.url
    ? await openGanvas({ url: options.url, query: '?threads=0', viewport: VIEWPORT })  // a server we do not control
    : await openGanvas({ dir: options.dir, isolation: false, viewport: VIEWPORT });
  cleanup.push(() => session.close());
  const { page } = session;
  await checkBuild(page, { name: 'ganvas_st', status: 'wasm-simd128', trainerThread: false });
  await page.evaluate(() => window.ganvas.start());
  const status = await waitForStatus(page, (s) => s.step >= ONE_THREAD_STEPS,
    `the one-thread build did not reach step ${ONE_THREAD_STEPS}`, 60_000);
  for (const key of ['d_loss', 'g_loss'])
    if (!Number.isFinite(status[key])) fail(`one-thread build: ${key} is not finite at step ${status.step}`);
  session.checkPageErrors();
  console.log(`browser_test: ganvas_st.js trained to step ${status.step} (${status.iters_per_sec.toFixed(1)} it/s)`);
  await page.evaluate(() => window.ganvas.pause());
  const step = await page.evaluate(async () => {
    window.__ganvasCheckpoint = await window.ganvas.saveCheckpoint();
    return window.ganvas.status().step;
  });
  const file = await savedCheckpointToFile(page, 'st.safetensors', cleanup);
  sameBitsAsNative(file, step, 'ganvas_st', cleanup);
  await sameSamplesAsNative(page, file, 'ganvas_st', cleanup);  // paused: the model is the saved one
  await session.close();
}

async function run(options, cleanup, state) {
  const session = await openGanvas({ dir: options.dir, url: options.url, viewport: VIEWPORT,
    log: (m) => console.log(`browser_test: ${m}`) });
  cleanup.push(() => session.close());
  const { page, consoleErrors, checkPageErrors } = session;
  state.page = page;

  const gl = await page.evaluate(() => {
    const canvas = document.getElementById('canvas');
    const ctx = canvas && canvas.getContext('webgl2');  // the app's own context, if it is WebGL2
    if (!(ctx instanceof WebGL2RenderingContext)) return null;
    const info = ctx.getExtension('WEBGL_debug_renderer_info');
    return { renderer: info ? ctx.getParameter(info.UNMASKED_RENDERER_WEBGL) : ctx.getParameter(ctx.RENDERER),
      width: canvas.width, height: canvas.height };
  });
  if (!gl) fail('the canvas has no WebGL2 context');
  console.log(`browser_test: WebGL2 on ${gl.renderer}, canvas ${gl.width}x${gl.height}`);
  await checkBuild(page, { name: 'ganvas_mt', status: 'wasm-simd128-threads', trainerThread: true });

  // The grids at step 0, to see later that the samples were refreshed while training.
  await sleep(300);
  let status = await page.evaluate(() => window.ganvas.status());
  if (status.error) fail(`the app reports an error before training: ${status.error}`);
  if (!status.ready) fail('the app is not ready to train');
  checkRect('samples', status.samples_rect);
  checkRect('real digits', status.real_rect);
  const before = await pngRegionStats(page, await page.screenshot(), status.samples_rect);

  const t0 = Date.now();
  await page.evaluate(() => window.ganvas.start());
  const deadline = t0 + options.timeout * 1000;
  const milestones = [100, 300, 600, 1000].filter((m) => m <= options.steps);
  const reached = {};
  for (;;) {
    status = await page.evaluate(() => window.ganvas.status());
    checkPageErrors();
    for (const m of milestones) if (status.step >= m && !(m in reached)) reached[m] = (Date.now() - t0) / 1000;
    if (status.error) fail(`the app reports an error at step ${status.step}: ${status.error}`);
    if (status.step >= options.steps) break;
    if (!status.running) fail(`training stopped at step ${status.step} (running is false)`);
    if (Date.now() > deadline) fail(`only step ${status.step} of ${options.steps} after ${options.timeout} s`);
    await sleep(100);
  }
  const seconds = (Date.now() - t0) / 1000;
  const stepReached = status.step;
  const rate = status.iters_per_sec;
  for (const key of ['d_loss', 'g_loss', 'd_real', 'd_fake'])
    if (!Number.isFinite(status[key])) fail(`${key} is not finite at step ${status.step}: ${status[key]}`);

  // Let the grid refresh (every 250 ms while training), then judge a real screenshot.
  await sleep(600);
  status = await page.evaluate(() => window.ganvas.status());
  const shot = await page.screenshot();
  saveScreenshot(options.screenshot, shot);
  state.saved = true;
  const after = await pngRegionStats(page, shot, status.samples_rect);
  const real = await pngRegionStats(page, shot, status.real_rect);
  const change = meanAbsDiff(before.grey, after.grey);
  console.log(`browser_test: samples at step 0: ${fmt(before)}`);
  console.log(`browser_test: samples at step ${status.step}: ${fmt(after)}; changed by ${change.toFixed(1)} grey levels`);
  console.log(`browser_test: real digits: ${fmt(real)}`);
  if (real.stddev < MIN_REAL_STDDEV) fail(`the real digits look blank (stddev ${real.stddev.toFixed(1)})`);
  if (after.stddev < MIN_SAMPLES_STDDEV) fail(`the sample grid looks blank (stddev ${after.stddev.toFixed(1)})`);
  if (change < MIN_SAMPLES_CHANGE) fail(`the sample grid did not change while training (${change.toFixed(2)})`);

  checkPerformanceFields(status);
  const benched = await checkBench(page);
  checkPageErrors();
  console.log(`browser_test: bench() smoke run: ${benched.map((r) => `batch ${r.batch} ${r.iters_per_sec} it/s`).join(', ')}; ` +
    'training resumed');
  const checkpoint = await checkCheckpoints(page, cleanup);
  checkPageErrors();
  console.log(`browser_test: checkpoint of step ${checkpoint.step} (${(checkpoint.size / 2 ** 20).toFixed(1)} MiB) ` +
    'saved, loaded back after reset(), trained on; bad files rejected; picker and download work');
  await page.evaluate(() => window.ganvas.pause());
  checkPageErrors();
  if (consoleErrors.length) console.log(`browser_test: console errors (not fatal):\n  ${consoleErrors.join('\n  ')}`);
  for (const m of milestones) console.log(`browser_test: step ${m} after ${reached[m].toFixed(1)} s`);
  console.log(`browser_test: frames ${status.frame_ms_median.toFixed(0)} ms median, ` +
    `${status.frame_ms_p95.toFixed(0)} ms p95 (work ${status.frame_work_ms_p95.toFixed(0)} ms p95), ` +
    `${status.train_slice_ms.toFixed(0)} ms of training budget per frame; ` +
    `wasm memory ${(status.wasm_memory_bytes / 2 ** 20).toFixed(1)} MiB, ${(status.heap_in_use_bytes / 2 ** 20).toFixed(1)} MiB in use`);
  await session.close();
  await checkOneThreadBuild(options, cleanup);
  console.log(`browser_test: PASS - reached step ${stepReached} in ${seconds.toFixed(1)} s ` +
    `(${(stepReached / seconds).toFixed(1)} iterations/s on average, ${rate.toFixed(1)} over the last second; ` +
    `d_loss ${status.d_loss.toFixed(4)}, ` +
    `g_loss ${status.g_loss.toFixed(4)}); screenshot ${options.screenshot}`);
}

const cleanup = [];
const state = { page: null, saved: false };
let code = 0;
let options = null;
try {
  options = parseArgs(process.argv.slice(2));
  await run(options, cleanup, state);
} catch (err) {
  code = 1;
  console.error(`browser_test: FAIL - ${err instanceof TestFailure ? err.message : err.stack || err}`);
  if (options && state.page && !state.saved) {
    try {
      saveScreenshot(options.screenshot, await state.page.screenshot({ timeout: 10_000 }));
      console.error(`browser_test: screenshot of the failure: ${options.screenshot}`);
    } catch { /* the page is gone */ }
  }
}
for (const step of cleanup) {
  try {
    await step();
  } catch { /* already gone */ }
}
process.exit(code);
