#!/usr/bin/env node
// memory_browser.mjs - the page's wasm memory stays flat while it trains, by hand (10,000
// steps take about 12 minutes in headless Chromium here, too long for ctest):
//
//   node web/tests/memory_browser.mjs [--dir build/wasm/web | --url URL] [--steps 10000]
//                                     [--baseline 200] [--timeout 1800] [--width 1280] [--height 800]
//
// Serves the built page in headless Chromium, starts training and reads status() every 2 s:
// wasm_memory_bytes (the size of the wasm linear memory; it grows in 64 KiB pages and never
// shrinks) and heap_in_use_bytes (what malloc has handed out). The baseline is taken once the
// step count passes --baseline (allocations made once - buffers sized on first use - are done
// by then), the final figures at --steps. Prints a line per 1,000 steps, then
// PASS when the wasm memory did not grow at all and the bytes in use grew by at most
// HEAP_SLACK_BYTES, else FAIL (exit code 1).
import { DEFAULT_PAGE_DIR, fail, openGanvas, parseArgs, runScript, sleep } from './harness.mjs';

const NAME = 'memory_browser';
const USAGE = 'usage: node web/tests/memory_browser.mjs [--dir DIR | --url URL] [--steps 10000] [--baseline 200] ' +
  '[--timeout 1800] [--width 1280] [--height 800]';
// malloc's bytes in use move a little with what ImGui draws: ~31 KB more until the loss plots
// span their full width (a few hundred steps), then not at all. A leak of even one small
// allocation per step would exceed this within 10,000 steps.
const HEAP_SLACK_BYTES = 64 * 1024;
const POLL_MS = 2000;
const REPORT_EVERY_STEPS = 1000;

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

await runScript(NAME, async () => {
  const o = parseArgs(process.argv.slice(2),
    { dir: DEFAULT_PAGE_DIR, url: '', steps: 10000, baseline: 200, timeout: 1800, width: 1280, height: 800 }, USAGE);
  if (!(o.steps > o.baseline && o.baseline > 0)) fail('--steps must be larger than --baseline, both positive');
  const session = await openGanvas({ dir: o.dir, url: o.url || null, viewport: { width: o.width, height: o.height },
    log: (m) => console.log(`${NAME}: ${m}`) });
  try {
    const status = () => session.page.evaluate(() => window.ganvas.status());
    const initial = await status();
    console.log(`${NAME}: before training: wasm memory ${mib(initial.wasm_memory_bytes)}, ` +
      `in use ${mib(initial.heap_in_use_bytes)}`);
    const t0 = Date.now();
    await session.page.evaluate(() => window.ganvas.start());
    let baseline = null;
    let nextReport = REPORT_EVERY_STEPS;
    let peakInUse = 0;
    let s;
    for (;;) {
      await sleep(POLL_MS);
      s = await status();
      session.checkPageErrors();
      if (s.error) fail(`the app reports an error at step ${s.step}: ${s.error}`);
      if (!s.running) fail(`training stopped at step ${s.step}`);
      if (baseline) peakInUse = Math.max(peakInUse, s.heap_in_use_bytes);
      if (!baseline && s.step >= o.baseline) {
        baseline = s;
        peakInUse = s.heap_in_use_bytes;
        console.log(`${NAME}: baseline at step ${s.step}: wasm memory ${mib(s.wasm_memory_bytes)} ` +
          `(${s.wasm_memory_bytes} bytes), in use ${mib(s.heap_in_use_bytes)} (${s.heap_in_use_bytes} bytes)`);
      }
      if (s.step >= nextReport) {
        const seconds = (Date.now() - t0) / 1000;
        console.log(`${NAME}: step ${s.step} after ${seconds.toFixed(0)} s (${(s.step / seconds).toFixed(1)} it/s): ` +
          `wasm memory ${mib(s.wasm_memory_bytes)}, in use ${mib(s.heap_in_use_bytes)} (${s.heap_in_use_bytes} bytes)`);
        while (nextReport <= s.step) nextReport += REPORT_EVERY_STEPS;
      }
      if (s.step >= o.steps) break;
      if (Date.now() - t0 > o.timeout * 1000) fail(`only step ${s.step} of ${o.steps} after ${o.timeout} s`);
    }
    await session.page.evaluate(() => window.ganvas.pause());
    const grownMemory = s.wasm_memory_bytes - baseline.wasm_memory_bytes;
    const grownInUse = s.heap_in_use_bytes - baseline.heap_in_use_bytes;
    const summary = { baseline_step: baseline.step, final_step: s.step,
      wasm_memory_bytes_baseline: baseline.wasm_memory_bytes, wasm_memory_bytes_final: s.wasm_memory_bytes,
      heap_in_use_bytes_baseline: baseline.heap_in_use_bytes, heap_in_use_bytes_final: s.heap_in_use_bytes,
      heap_in_use_bytes_peak: peakInUse, seconds: Math.round((Date.now() - t0) / 1000) };
    console.log(JSON.stringify(summary));
    if (grownMemory !== 0)
      fail(`the wasm memory grew by ${grownMemory} bytes between step ${baseline.step} and step ${s.step}`);
    if (grownInUse > HEAP_SLACK_BYTES)
      fail(`malloc's bytes in use grew by ${grownInUse} bytes between step ${baseline.step} and step ${s.step} ` +
        `(allowed: ${HEAP_SLACK_BYTES})`);
    console.log(`${NAME}: PASS - wasm memory ${mib(s.wasm_memory_bytes)} at step ${baseline.step} and at step ${s.step}; ` +
      `in use ${baseline.heap_in_use_bytes} -> ${s.heap_in_use_bytes} bytes (${grownInUse >= 0 ? '+' : ''}${grownInUse})`);
  } finally {
    await session.close();
  }
});
