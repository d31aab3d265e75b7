#!/usr/bin/env node
// settings_browser.mjs - the playground's settings and step by step in a real browser (issue 11):
//
//   node web/tests/settings_browser.mjs [--dir build/wasm/web] [--query ''] [--timeout 120]
//
// Through window.ganvas, mid-run: a live setting (adam_g.lr) applies at once; refused values
// (lr 1e9, batch 1) come back with the core's message, show in the status line and keep the
// run; Step D and Step G update one network alone (step counter unchanged, lone_d / lone_g
// counted, the losses they report change); the saved checkpoint's recipe timeline lists the lr
// change and both lone updates at their step; a reset-only setting (batch_size 32) is staged
// while training runs and applies on reset() (the new recipe's config has it, the old timeline
// is gone); the key 's' steps once and space starts / pauses; slow motion (setSpeed(5)) with
// runSteps(3) takes at least ~0.4 s. Exits non-zero with a message on any failure.
import { DEFAULT_PAGE_DIR, fail, openGanvas, parseArgs, runScript, waitForStatus as waitFor } from './harness.mjs';

const NAME = 'settings_browser';
const USAGE = 'usage: node web/tests/settings_browser.mjs [--dir DIR] [--query Q] [--timeout 120]';
const log = (m) => console.log(`${NAME}: ${m}`);

// The checkpoint's recipe (safetensors: 8-byte little-endian header length, then JSON whose
// __metadata__.recipe is the recipe's JSON).
async function savedRecipe(page) {
  return page.evaluate(async () => {
    const bytes = await window.ganvas.saveCheckpoint();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const length = Number(view.getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    return JSON.parse(header.__metadata__.recipe);
  });
}

await runScript(NAME, async () => {
  const o = parseArgs(process.argv.slice(2), { dir: DEFAULT_PAGE_DIR, query: '', timeout: 120 }, USAGE);
  const session = await openGanvas({ dir: o.dir, query: o.query, log });
  try {
    const { page } = session;
    const ms = o.timeout * 1000;
    await page.evaluate(() => window.ganvas.start());
    await waitFor(page, (s) => s.step >= 5, 'training did not reach step 5', ms);

    // A live setting mid-run.
    const lr = await page.evaluate(() => window.ganvas.setSetting('adam_g.lr', 0.0001));
    if (!lr.ok || lr.staged) fail(`adam_g.lr 0.0001 mid-run: ${JSON.stringify(lr)}`);
    await page.evaluate(() => window.ganvas.pause());
    // Pause stops after the current part of an iteration; one Step finishes it (a lone update
    // would too, and so would the page keeping the run), so the checks below start from whole steps.
    await page.evaluate(() => window.ganvas.step(1));
    let s = await page.evaluate(() => window.ganvas.status());
    const changedAt = s.step;
    log(`adam_g.lr set mid-run, paused at step ${changedAt}`);

    // Refusals: the core's message, in the page, and the run kept.
    for (const [key, value, words] of [['adam_g.lr', 1e9, 'adam_g.lr'], ['batch_size', 1, 'batch_size']]) {
      const r = await page.evaluate(([k, v]) => window.ganvas.setSetting(k, v), [key, value]);
      if (r.ok) fail(`${key}=${value} was accepted`);
      if (!r.message.includes(words)) fail(`${key}=${value}: the message does not name the key: '${r.message}'`);
      const after = await page.evaluate(() => window.ganvas.status());
      if (after.step !== changedAt || after.error) fail(`${key}=${value} did not keep the run: ${JSON.stringify(after)}`);
      if (!after.message.includes(r.message) || !after.message_is_error) fail(`${key}=${value}: the status line says '${after.message}'`);
      if (after.setting_errors[key] !== r.message) fail(`${key}=${value}: not shown next to the field: ${JSON.stringify(after.setting_errors)}`);
      log(`${key}=${value} refused: ${r.message}`);
    }

    // Step D and Step G alone.
    const before = await page.evaluate(() => window.ganvas.status());
    const d = await page.evaluate(() => window.ganvas.stepD());
    if (d.step !== changedAt || d.lone_d !== 1 || d.lone_g !== 0) fail(`stepD: ${JSON.stringify(d)}`);
    if (!(Number.isFinite(d.d_loss) && d.d_loss !== before.d_loss)) fail(`stepD left D's loss at ${d.d_loss}`);
    if (d.g_loss !== before.g_loss) fail(`stepD changed G's loss ${before.g_loss} -> ${d.g_loss}`);
    const g = await page.evaluate(() => window.ganvas.stepG());
    if (g.step !== changedAt || g.lone_g !== 1) fail(`stepG: ${JSON.stringify(g)}`);
    if (!(Number.isFinite(g.g_loss) && g.g_loss !== d.g_loss)) fail(`stepG left G's loss at ${g.g_loss}`);
    if (g.d_loss !== d.d_loss) fail(`stepG changed D's loss`);
    log(`stepD: D loss ${before.d_loss.toFixed(4)} -> ${d.d_loss.toFixed(4)}; stepG: G loss ${d.g_loss.toFixed(4)} -> ${g.g_loss.toFixed(4)}`);
    await page.evaluate(() => window.ganvas.step(2));

    // The checkpoint's recipe timeline lists the changes.
    const recipe = await savedRecipe(page);
    const t = recipe.timeline;
    // The lr change is recorded at the step it applied (while running, at or before the pause).
    const lrChange = t.find((c) => c.key === 'adam_g.lr');
    if (!lrChange || lrChange.value !== 0.0001 || lrChange.step > changedAt)
      fail(`the checkpoint's timeline has no adam_g.lr 0.0001 at or before step ${changedAt}: ${JSON.stringify(t)}`);
    const want = [
      { step: changedAt, key: 'update', value: 'd' },
      { step: changedAt, key: 'update', value: 'g' },
    ];
    if (JSON.stringify(t.slice(-2)) !== JSON.stringify(want))
      fail(`the checkpoint's timeline is ${JSON.stringify(t)}, wanted it to end with ${JSON.stringify(want)}`);
    log(`checkpoint timeline: ${JSON.stringify(t)}`);

    // A reset-only setting staged mid-run, applied on reset().
    await page.evaluate(() => window.ganvas.start());
    const staged = await page.evaluate(() => window.ganvas.setSetting('batch_size', 32));
    if (!staged.ok || !staged.staged) fail(`batch_size 32: ${JSON.stringify(staged)}`);
    s = await page.evaluate(() => window.ganvas.status());
    if (s.staged.batch_size !== '32' || !s.running) fail(`batch_size not staged, or the run stopped: ${JSON.stringify(s)}`);
    await page.evaluate(() => window.ganvas.reset());
    s = await page.evaluate(() => window.ganvas.status());
    if (s.step !== 0 || s.running || Object.keys(s.staged).length) fail(`after reset(): ${JSON.stringify(s)}`);
    const fresh = await savedRecipe(page);
    if (fresh.config.batch_size !== 32) fail(`the new run's batch_size is ${fresh.config.batch_size}`);
    if (fresh.config.adam_g.lr !== 0.0001) fail(`the new run did not keep the live lr: ${JSON.stringify(fresh.config.adam_g)}`);
    if (fresh.timeline.length) fail(`the new run's timeline is not empty: ${JSON.stringify(fresh.timeline)}`);
    log('batch_size 32 staged while running, applied on reset()');

    // Keys: 's' steps once; space starts and pauses.
    await page.mouse.click(640, 790);  // the canvas has the keyboard (no text field)
    await page.keyboard.press('s');
    await waitFor(page, (x) => x.step === 1, "the key 's' did not step once", 10000);
    await page.keyboard.press(' ');
    await waitFor(page, (x) => x.running, 'space did not start', 10000);
    await page.keyboard.press(' ');
    await waitFor(page, (x) => !x.running, 'space did not pause', 10000);
    log('keys s and space work');

    // Slow motion: 3 steps at 5 steps/s.
    s = await page.evaluate(() => window.ganvas.status());
    const from = s.step;
    const speed = await page.evaluate(() => window.ganvas.setSpeed(5));
    if (speed !== 5) fail(`setSpeed(5) gave ${speed}`);
    const t0 = Date.now();
    await page.evaluate(() => window.ganvas.runSteps(3));
    s = await waitFor(page, (x) => x.pace.run_left === 0 && x.step >= from + 3, 'runSteps(3) did not finish', ms);
    const took = (Date.now() - t0) / 1000;
    if (s.step !== from + 3) fail(`runSteps(3) went from ${from} to ${s.step}`);
    if (took < 0.35) fail(`3 steps at 5 steps/s took only ${took.toFixed(2)} s`);
    log(`runSteps(3) at 5 steps/s took ${took.toFixed(2)} s`);
    session.checkPageErrors();
    console.log(`${NAME}: PASS`);
  } finally {
    await session.close();
  }
});
