#!/usr/bin/env node
// presets_browser.mjs - mode collapse happening and cured in the page, through window.ganvas (issue 10):
//
//   node web/tests/presets_browser.mjs [--dir build/wasm/web] [--query ''] [--steps 3120] [--timeout 600]
//
// presets() lists the presets ("seed" first, each with its summary and changes); setPreset('collapse')
// resets to a fresh model of it at step 0; training runs until the live diagnosis raises its
// mode-collapse alert (the classifier on fresh samples finds at most 3 modes), and the alert's remedy
// is applied as its button does (applyRemedy: a live settings change, recorded in the recipe);
// training goes on to --steps, and the last diagnosis point must cover at least 9 of the 10 digits.
// The CLI shows the same run without the remedy ends with 1 mode (ctest collapse_cli).
// Exits non-zero with a message on any failure.
import { DEFAULT_PAGE_DIR, fail, openGanvas, parseArgs, runScript, sleep } from './harness.mjs';

const NAME = 'presets_browser';
const USAGE = 'usage: node web/tests/presets_browser.mjs [--dir DIR] [--query Q] [--steps 3120] [--timeout 600]';
const log = (m) => console.log(`${NAME}: ${m}`);

await runScript(NAME, async () => {
  const o = parseArgs(process.argv.slice(2), { dir: DEFAULT_PAGE_DIR, query: '', steps: 3120, timeout: 600 }, USAGE);
  const session = await openGanvas({ dir: o.dir, query: o.query, log });
  try {
    const { page } = session;
    const deadline = Date.now() + o.timeout * 1000;

    const presets = await page.evaluate(() => window.ganvas.presets());
    const names = presets.map((p) => p.name);
    if (names[0] !== 'seed' || !['collapse', 'unstable', 'stable'].every((n) => names.includes(n)))
      fail(`presets(): ${JSON.stringify(names)}`);
    const collapse = presets.find((p) => p.name === 'collapse');
    if (!collapse.changes || !collapse.summary) fail(`the collapse preset says nothing: ${JSON.stringify(collapse)}`);
    log(`presets: ${names.join(', ')}; collapse = ${collapse.changes}`);

    let refused = null;
    try {
      await page.evaluate(() => window.ganvas.setPreset('no-such-preset'));
    } catch (e) {
      refused = String(e.message).split("\n")[0].replace(/^page.evaluate: Error: /, "");
    }
    if (!refused) fail('setPreset accepted an unknown name');
    const reset = await page.evaluate(() => window.ganvas.setPreset('collapse'));
    if (reset.preset !== 'collapse' || reset.step !== 0) fail(`setPreset('collapse'): ${JSON.stringify(reset).slice(0, 300)}`);
    log(`setPreset('collapse'): step 0 (an unknown name refused: ${refused})`);

    // Train until the diagnosis names the collapse.
    await page.evaluate(() => window.ganvas.start());
    let alert = null, d = null;
    while (!alert) {
      d = await page.evaluate(() => window.ganvas.diagnosis());
      alert = d.alerts.find((a) => a.kind === 'mode_collapse');
      if (Date.now() > deadline) fail(`no mode-collapse alert in ${o.timeout} s: ${JSON.stringify(d).slice(0, 400)}`);
      if (!alert) await sleep(250);
    }
    const last = d.points[d.points.length - 1];
    if (!(last.modes <= 3)) fail(`the alert came with ${last.modes} modes: ${alert.text}`);
    if (!alert.remedy) fail(`the alert offers no remedy: ${JSON.stringify(alert)}`);
    const at = await page.evaluate((remedy) => window.ganvas.applyRemedy(remedy), alert.remedy);
    log(`step ${at.step}: "${alert.text}" (${last.modes} modes at step ${last.step}); applied ${alert.remedy}`);

    // On to the end: training goes on until a diagnosis point at --steps or later exists.
    let point = null;
    while (!point || point.step < o.steps) {
      d = await page.evaluate(() => window.ganvas.diagnosis());
      point = d.points[d.points.length - 1];
      if (Date.now() > deadline) fail(`no diagnosis point at step ${o.steps} or later: last ${JSON.stringify(point)}`);
      if (point.step < o.steps) await sleep(250);
    }
    await page.evaluate(() => window.ganvas.pause());
    const end = (await page.evaluate(() => window.ganvas.status())).step;
    if (!(point.modes >= 9)) fail(`the remedied run ends with ${point.modes} modes at step ${point.step}`);
    const recipe = await page.evaluate(async () => {
      const bytes = await window.ganvas.saveCheckpoint();
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const length = Number(view.getBigUint64(0, true));
      return JSON.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))).__metadata__.recipe);
    });
    const [key] = alert.remedy.split(' ')[0].split('=');
    if (!recipe.timeline.some((e) => JSON.stringify(e).includes(key)))
      fail(`the recipe's timeline does not record the remedy ${alert.remedy}: ${JSON.stringify(recipe.timeline)}`);
    log(`paused at step ${end}: ${point.modes} modes at step ${point.step} (FD ${point.fd.toFixed(1)}, ` +
        `KL ${point.kl.toFixed(3)}, confident ${point.confident.toFixed(3)}); the recipe records the remedy`);
  } finally {
    await session.close();
  }
});
