#!/usr/bin/env node
// frame_times_browser.mjs - frame times of the page with training paused and running, by hand:
//
//   node web/tests/frame_times_browser.mjs [--dir build/wasm/web | --url URL] [--seconds 20]
//                                          [--width 1280] [--height 800] [--threads 1,2]
//                                          [--query ?threads=0]
//
// Serves the built page in headless Chromium and measures phases of --seconds each, after
// a 3 s settling time: paused, then training at full speed on each --threads count (set with
// window.ganvas.setThreads; default: every core). --query is appended to the address
// (?threads=0 loads the one-thread build). For each phase it prints the app's
// own figures from status() (frame_ms_median / frame_ms_p95: intervals between frame starts over
// the last 120 frames; frame_work_ms_*: the app's work inside those frames) next to the same
// percentiles of requestAnimationFrame intervals measured by the page over the whole phase,
// plus the training budget per frame and iterations/s. The difference between the phases is
// training's share of a frame. Exits non-zero when the page fails or a figure is missing; never
// on the times themselves: headless Chromium draws with SwiftShader (a CPU renderer), so these
// are not the frame times of a real GPU.
import { DEFAULT_PAGE_DIR, fail, openGanvas, parseArgs, quantile, runScript, sleep } from './harness.mjs';

const NAME = 'frame_times_browser';
const USAGE = 'usage: node web/tests/frame_times_browser.mjs [--dir DIR | --url URL] [--seconds 20] ' +
  '[--width 1280] [--height 800] [--threads 1,2] [--query ?threads=0]';
const SETTLE_MS = 3000;

// Collects requestAnimationFrame intervals in the page for `ms` milliseconds.
function pageFrameIntervals(page, ms) {
  return page.evaluate((duration) => new Promise((resolve) => {
    const intervals = [];
    let last = null;
    const end = performance.now() + duration;
    const tick = (now) => {
      if (last !== null) intervals.push(now - last);
      last = now;
      if (now < end) requestAnimationFrame(tick);
      else resolve(intervals);
    };
    requestAnimationFrame(tick);
  }), ms);
}

async function measurePhase(session, name, seconds) {
  await sleep(SETTLE_MS);
  const startStep = (await session.page.evaluate(() => window.ganvas.status())).step;
  const intervals = await pageFrameIntervals(session.page, seconds * 1000);
  const s = await session.page.evaluate(() => window.ganvas.status());
  session.checkPageErrors();
  if (s.error) fail(`the app reports an error while ${name}: ${s.error}`);
  for (const key of ['frame_ms_median', 'frame_ms_p95', 'frame_work_ms_median', 'frame_work_ms_p95', 'train_slice_ms'])
    if (!(Number.isFinite(s[key]) && s[key] >= 0)) fail(`status().${key} is not a number while ${name}: ${s[key]}`);
  if (s.frame_ms_p95 < s.frame_ms_median) fail(`frame_ms_p95 ${s.frame_ms_p95} is below the median ${s.frame_ms_median}`);
  return { name, frames: intervals.length, rafMedian: quantile(intervals, 0.5), rafP95: quantile(intervals, 0.95),
    status: s, itersPerSec: (s.step - startStep) / seconds };
}

await runScript(NAME, async () => {
  const o = parseArgs(process.argv.slice(2),
    { dir: DEFAULT_PAGE_DIR, url: '', seconds: 20, width: 1280, height: 800, threads: '', query: '' }, USAGE);
  if (!(o.seconds > 0)) fail('--seconds must be positive');
  const threadCounts = o.threads ? o.threads.split(',').map(Number) : [];
  if (!threadCounts.every((t) => Number.isInteger(t) && t >= 1)) fail(`--threads needs counts like 1,2, not '${o.threads}'`);
  const session = await openGanvas({ dir: o.dir, url: o.url || null, query: o.query,
    viewport: { width: o.width, height: o.height }, log: (m) => console.log(`${NAME}: ${m}`) });
  try {
    const renderer = await session.page.evaluate(() => {
      const gl = document.getElementById('canvas').getContext('webgl2');
      const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
      return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : 'unknown';
    });
    console.log(`${NAME}: ${o.width}x${o.height} canvas on ${renderer}; ${o.seconds} s per phase`);
    const phases = [await measurePhase(session, 'paused', o.seconds)];
    await session.page.evaluate(() => window.ganvas.start());
    if (threadCounts.length === 0) threadCounts.push(await session.page.evaluate(() => window.ganvas.status().threads));
    for (const t of threadCounts) {
      const used = await session.page.evaluate((n) => window.ganvas.setThreads(n), t);
      phases.push(await measurePhase(session, `train ${used}t`, o.seconds));
    }
    await session.page.evaluate(() => window.ganvas.pause());

    console.log('phase     frames | status(): median  p95   work median  work p95 | rAF: median  p95 | budget ms  it/s');
    for (const p of phases) {
      const s = p.status;
      console.log([p.name.padEnd(9), String(p.frames).padStart(6), '|', s.frame_ms_median.toFixed(1).padStart(16),
        s.frame_ms_p95.toFixed(1).padStart(5), s.frame_work_ms_median.toFixed(1).padStart(12),
        s.frame_work_ms_p95.toFixed(1).padStart(9), '|', p.rafMedian.toFixed(1).padStart(11), p.rafP95.toFixed(1).padStart(5),
        '|', s.train_slice_ms.toFixed(1).padStart(9), p.itersPerSec.toFixed(1).padStart(5)].join(' '));
    }
    const [paused, training] = phases;  // the first training phase
    console.log(`${NAME}: training adds ${(training.status.frame_ms_p95 - paused.status.frame_ms_p95).toFixed(1)} ms ` +
      `to the p95 frame interval and ${(training.status.frame_work_ms_p95 - paused.status.frame_work_ms_p95).toFixed(1)} ms ` +
      'to the p95 frame work');
    for (const p of phases) console.log(JSON.stringify({ phase: p.name, width: o.width, height: o.height, frames: p.frames,
      frame_ms_median: p.status.frame_ms_median, frame_ms_p95: p.status.frame_ms_p95,
      frame_work_ms_median: p.status.frame_work_ms_median, frame_work_ms_p95: p.status.frame_work_ms_p95,
      raf_ms_median: p.rafMedian, raf_ms_p95: p.rafP95, train_slice_ms: p.status.train_slice_ms,
      iters_per_sec: p.itersPerSec }));
  } finally {
    await session.close();
  }
});
