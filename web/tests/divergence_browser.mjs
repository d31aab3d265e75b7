#!/usr/bin/env node
// divergence_browser.mjs - a run driven to divergence in the page rolls back (shell/session.h,
// "Divergence"; issue 12 item 4):
//
//   node web/tests/divergence_browser.mjs [--dir build/wasm/web | --url URL] [--query ?threads=0]
//                                         [--timeout 180]
//
// Trains 12 steps, sets absurd learning rates through ganvas.changeSetting (1e9 is refused by the
// settings table's validation with a message naming the key; 1, the table's upper limit, is
// accepted and diverges within a few steps), starts, and checks once the page paused itself:
// status().rollback says which step diverged, why, that step 12 was restored and the rates undone;
// status().message says so in plain words with what to try; the step is 12 again; history() is
// the 12 steps' losses exactly as before; diagnosis() has the Diverging alert with its remedy.
// Then lower rates and Start: it trains on past step 22 with finite losses and no second rollback.
import { DEFAULT_PAGE_DIR, fail, openGanvas, parseArgs, runScript, sleep } from './harness.mjs';

const NAME = 'divergence_browser';
const USAGE = 'usage: node web/tests/divergence_browser.mjs [--dir DIR | --url URL] [--query Q] [--timeout 180]';
const GOOD_STEPS = 12;

await runScript(NAME, async () => {
  const o = parseArgs(process.argv.slice(2), { dir: DEFAULT_PAGE_DIR, url: '', query: '', timeout: 180 }, USAGE);
  const log = (m) => console.log(`${NAME}: ${m}`);
  const session = await openGanvas({ dir: o.dir, url: o.url || null, query: o.query, log });
  try {
    const { page } = session;
    const g = (fn, ...args) => page.evaluate(fn, ...args);
    await g((n) => window.ganvas.step(n), GOOD_STEPS);
    const before = await g(() => window.ganvas.history());
    let s = await g(() => window.ganvas.status());
    if (s.step !== GOOD_STEPS || before.d_loss.length !== GOOD_STEPS)
      fail(`after step(${GOOD_STEPS}): step ${s.step}, ${before.d_loss.length} history points`);
    if (s.rollback.count !== 0) fail(`a rollback before any divergence: ${JSON.stringify(s.rollback)}`);

    // 1e9 is refused by the core's validation; the largest accepted rate (1) diverges.
    const refused = await g(() => {
      try {
        window.ganvas.changeSetting('adam_d.lr', 1e9);
        return null;
      } catch (e) {
        return e.message;
      }
    });
    if (!refused || !refused.includes('adam_d.lr')) fail(`adam_d.lr=1e9 was not refused naming the key: ${refused}`);
    log(`1e9 refused: ${refused}`);
    await g(() => {
      window.ganvas.changeSetting('adam_d.lr', 1);
      window.ganvas.changeSetting('adam_g.lr', 1);
      window.ganvas.start();
    });
    const t0 = Date.now();
    s = await until(session, (st) => !st.running, o.timeout, 'no divergence');
    log(`paused at step ${s.step} after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(s.rollback)}`);
    log(`message: ${s.message}`);
    const r = s.rollback;
    if (r.count !== 1) fail(`rollback.count ${r.count}, not 1 (error: '${s.error}')`);
    if (!(r.diverged_step > GOOD_STEPS)) fail(`diverged_step ${r.diverged_step}`);
    if (r.restored_step !== GOOD_STEPS || s.step !== GOOD_STEPS)
      fail(`restored to step ${r.restored_step}, status step ${s.step}, not ${GOOD_STEPS}`);
    if (!r.reason) fail('no reason given');
    if (r.undone !== 'adam_d.lr=1.0, adam_g.lr=1.0') fail(`undone: '${r.undone}'`);
    if (s.error) fail(`an error, not a message: ${s.error}`);
    for (const part of [`Training diverged at step ${r.diverged_step}`, `Rolled back to step ${GOOD_STEPS}`,
      'undone: adam_d.lr=1.0, adam_g.lr=1.0', 'lower learning rates'])
      if (!s.message.includes(part)) fail(`the message lacks '${part}': ${s.message}`);
    if (!(Number.isFinite(s.d_loss) && Number.isFinite(s.g_loss))) fail(`the losses shown: ${s.d_loss} ${s.g_loss}`);
    const after = await g(() => window.ganvas.history());
    if (JSON.stringify(after.d_loss) !== JSON.stringify(before.d_loss) ||
      JSON.stringify(after.g_loss) !== JSON.stringify(before.g_loss))
      fail(`the loss history changed: ${JSON.stringify(before.d_loss)} -> ${JSON.stringify(after.d_loss)}`);
    const d = await g(() => window.ganvas.diagnosis());
    const alert = d.alerts.find((a) => a.kind === 'diverging');
    if (!alert || !alert.text.includes(`rolled back to step ${GOOD_STEPS}`) || !alert.remedy.includes('lr='))
      fail(`no Diverging alert with a remedy: ${JSON.stringify(d.alerts)}`);
    log(`alert: ${alert.text}; remedy ${alert.remedy}`);

    // Lower rates, then Start: it trains on from the snapshot.
    await g(() => {
      window.ganvas.changeSetting('adam_d.lr', 0.0001);
      window.ganvas.changeSetting('adam_g.lr', 0.0001);
      window.ganvas.start();
    });
    await until(session, (st) => {
      if (!st.running) fail(`stopped at step ${st.step} after lowering the rates: ${st.message} ${st.error}`);
      return st.step >= GOOD_STEPS + 10;
    }, o.timeout, 'not 10 steps on');
    await g(() => window.ganvas.pause());
    s = await g(() => window.ganvas.status());
    const resumed = await g(() => window.ganvas.history());
    if (s.rollback.count !== 1) fail(`a second rollback: ${JSON.stringify(s.rollback)}`);
    if (JSON.stringify(resumed.d_loss.slice(0, GOOD_STEPS)) !== JSON.stringify(before.d_loss))
      fail('the history before the rollback changed after Start');
    if (!resumed.d_loss.every((v) => Number.isFinite(v))) fail(`non-finite losses after Start: ${resumed.d_loss}`);
    log(`trained on to step ${s.step}, ${resumed.d_loss.length} history points`);
    session.checkPageErrors();
    console.log(`${NAME}: PASS`);
  } finally {
    await session.close();
  }
});

// Polls status() every 100 ms until done(status) is true; fails after timeout seconds.
async function until(session, done, timeout, what) {
  const t0 = Date.now();
  for (;;) {
    await sleep(100);
    session.checkPageErrors();
    const s = await session.page.evaluate(() => window.ganvas.status());
    if (done(s)) return s;
    if (Date.now() - t0 > timeout * 1000) fail(`${what} after ${timeout} s: step ${s.step}`);
  }
}
