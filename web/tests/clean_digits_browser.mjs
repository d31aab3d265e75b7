#!/usr/bin/env node
// clean_digits_browser.mjs - how long the page trains before its digits are clean (issue 13):
//
//   node web/tests/clean_digits_browser.mjs [--dir build/wasm/web] [--query ''] [--preset dcgan]
//                                           [--fd 62.06] [--timeout 120]
//
// setPreset(--preset) resets to a fresh model; Start; the live diagnosis (a point every 200 steps
// and 3 s of training: 1,000 fresh samples scored by the classifier) is polled until a point's FD
// falls below --fd, by default the FD of the `seed` preset's shipped generator at 3,120 steps
// (README "Mode collapse and instability", n = 2,000). The time reported is the wall time from
// Start to the moment training reached that point's step (interpolated between status() polls,
// so the diagnosis's own cadence does not count), and also when the point was seen.
// Prints one JSON line with the figures; exits non-zero when no point gets there in --timeout s.
import { DEFAULT_PAGE_DIR, fail, openGanvas, parseArgs, runScript, sleep } from './harness.mjs';

const NAME = 'clean_digits_browser';
const USAGE = 'usage: node web/tests/clean_digits_browser.mjs [--dir DIR] [--query Q] [--preset dcgan] [--fd 62.06] ' +
  '[--timeout 120]';
const log = (m) => console.log(`${NAME}: ${m}`);

await runScript(NAME, async () => {
  const o = parseArgs(process.argv.slice(2), { dir: DEFAULT_PAGE_DIR, query: '', preset: 'dcgan', fd: 62.06, timeout: 120 },
    USAGE);
  const session = await openGanvas({ dir: o.dir, query: o.query, log });
  try {
    const { page } = session;
    const reset = await page.evaluate((name) => window.ganvas.setPreset(name), o.preset);
    if (reset.step !== 0) fail(`setPreset(${o.preset}): ${JSON.stringify(reset).slice(0, 300)}`);
    const build = await page.evaluate(() => window.ganvas.build);
    const t0 = Date.now();
    await page.evaluate(() => window.ganvas.start());
    const trace = [{ t: 0, step: 0 }];  // (seconds since Start, step)
    let hit = null, seen = 0, last = null;
    while (!hit) {
      const [status, diagnosis] = await page.evaluate(() => [window.ganvas.status(), window.ganvas.diagnosis()]);
      const t = (Date.now() - t0) / 1000;
      trace.push({ t, step: status.step });
      last = diagnosis.points[diagnosis.points.length - 1] || last;
      hit = diagnosis.points.find((p) => p.step > 0 && Number.isFinite(p.fd) && p.fd < o.fd) || null;
      if (hit) seen = t;
      else if (t > o.timeout) fail(`no diagnosis point under FD ${o.fd} in ${o.timeout} s; last ${JSON.stringify(last)}`);
      else await sleep(200);
    }
    await page.evaluate(() => window.ganvas.pause());
    // The wall time at which training passed the point's step.
    let at = seen;
    for (let i = 1; i < trace.length; ++i)
      if (trace[i].step >= hit.step) {
        const a = trace[i - 1], b = trace[i];
        at = b.step === a.step ? b.t : a.t + (b.t - a.t) * (hit.step - a.step) / (b.step - a.step);
        break;
      }
    const result = { preset: o.preset, build: build.name, threshold_fd: o.fd, step: hit.step, fd: hit.fd, modes: hit.modes,
      confident: hit.confident, seconds_to_step: Number(at.toFixed(2)), seconds_seen: Number(seen.toFixed(2)),
      iters_per_sec: Number((hit.step / at).toFixed(1)) };
    log(`${o.preset}: FD ${hit.fd.toFixed(1)} < ${o.fd} at step ${hit.step}, ${at.toFixed(1)} s of training after Start ` +
        `(${build.name}; seen at ${seen.toFixed(1)} s)`);
    console.log(JSON.stringify(result));
  } finally {
    await session.close();
  }
});
