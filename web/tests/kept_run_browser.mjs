#!/usr/bin/env node
// kept_run_browser.mjs - a closed tab loses nothing (issue 12 item 5), in headless Chromium.
//
//   node web/tests/kept_run_browser.mjs [--dir build/wasm/web] [--query ''] [--steps 20]
//
// 1. A page trains --steps iterations; within a few seconds, without being asked, it has kept the
//    run in IndexedDB (web/kept_run.js: keptRun.info().step). It trains --steps more, is kept
//    again, and the tab is closed: its checkpoint hash and loss history are noted first.
// 2. A new tab of the same browser opens the page: the "Resume your run?" window is offered
//    (keptRun.state().offered, screenshot), the app is still at step 0 and nothing is kept over
//    the earlier run meanwhile. Resume (what the button does): the same step, the same checkpoint
//    bytes (hash) and the same history text. It trains --steps more.
// 3. Bit for bit as if the tab had never closed: Reset (the same seed) and 3 x --steps steps from
//    scratch give the same checkpoint hash as the resumed run.
// 4. A third tab is offered the run again; Start over forgets it (info() null) and keeping resumes.
// No page errors, no Content-Security-Policy violations. Exits non-zero with a message on a failure.
import { join } from 'node:path';

import { DEFAULT_PAGE_DIR, REPO, fail, openGanvas, parseArgs, runScript, sleep } from './harness.mjs';

const USAGE = "usage: node web/tests/kept_run_browser.mjs [--dir build/wasm/web] [--query ''] [--steps 20] [--out DIR]";
const NAME = 'kept_run_browser';
const KEEP_WAIT_MS = 15_000;  // kept_run.js keeps every 5 s
const log = (m) => console.log(`${NAME}: ${m}`);

// The checkpoint's SHA-256 (hex) and the history text, in the page.
const SNAPSHOT = `(async () => {
  const bytes = await window.ganvas.saveCheckpoint();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return { step: window.ganvas.status().step, size: bytes.length, history: window.ganvas.historyText(),
    hash: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') };
})()`;

async function until(page, fn, arg, what, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    if (Date.now() > deadline) fail(what);
    await sleep(200);
  }
}

const keptStep = (page) => page.evaluate(async () => (await window.ganvas.keptRun.info())?.step ?? null);

async function openTab(session, errors) {
  const page = await session.context.newPage();
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) errors.push(msg.text()); });
  await page.goto(session.url, { waitUntil: 'load' });
  await page.evaluate(() => window.ganvas.ready);
  return page;
}

async function main() {
  const o = parseArgs(process.argv.slice(2), { dir: DEFAULT_PAGE_DIR, query: '', steps: 20,
    out: join(REPO, 'build', 'wasm', 'test-results') }, USAGE);
  const session = await openGanvas({ dir: o.dir, query: o.query, log });
  const errors = [];
  try {
    const page1 = session.page;
    log(`build ${JSON.stringify(await page1.evaluate(() => window.ganvas.build.name))}`);
    if ((await keptStep(page1)) !== null) fail('a fresh browser already has a kept run');
    if (!(await page1.evaluate(() => window.ganvas.keptRun.state().keeping))) fail('keeping is off on a fresh browser');

    // 1. Trained, kept without asking, trained and kept again, closed.
    await page1.evaluate((n) => window.ganvas.step(n), o.steps);
    const t0 = Date.now();
    await until(page1, async (n) => (await window.ganvas.keptRun.info())?.step === n, o.steps,
      `the run at step ${o.steps} was not kept within ${KEEP_WAIT_MS} ms`, KEEP_WAIT_MS);
    log(`kept at step ${o.steps} after ${Date.now() - t0} ms`);
    await page1.evaluate((n) => window.ganvas.step(n), o.steps);
    const closedAt = await page1.evaluate(SNAPSHOT);
    if (closedAt.step !== 2 * o.steps) fail(`step ${closedAt.step} after 2 x ${o.steps} steps`);
    await until(page1, async (n) => (await window.ganvas.keptRun.info())?.step === n, closedAt.step,
      `the run at step ${closedAt.step} was not kept`, KEEP_WAIT_MS);
    log(`closing the tab at step ${closedAt.step} (checkpoint ${closedAt.size} bytes, ${closedAt.hash.slice(0, 16)})`);
    await page1.close({ runBeforeUnload: true });

    // 2. Reopened: offered, untouched until answered, then resumed exactly.
    const page2 = await openTab(session, errors);
    await until(page2, () => window.ganvas.keptRun.state().offered, null, 'the reopened page offers no run', 10_000);
    const offered = await page2.evaluate(async () => ({ info: await window.ganvas.keptRun.info(),
      step: window.ganvas.status().step, kept: await window.ganvas.keptRun.keepNow() }));
    if (offered.info.step !== closedAt.step) fail(`offered step ${offered.info.step}, closed at ${closedAt.step}`);
    if (offered.step !== 0) fail(`the reopened page is at step ${offered.step} before the answer`);
    if (offered.kept !== null) fail('the reopened page kept its own run over the unanswered one');
    await sleep(300);  // a frame with the modal
    await page2.screenshot({ path: join(o.out, 'kept_run_offer.png') }).catch(() => {});
    const resumed = await page2.evaluate(() => window.ganvas.keptRun.resume());
    if (!resumed.ok || resumed.step !== closedAt.step) fail(`resume() gave ${JSON.stringify(resumed)}`);
    const reopened = await page2.evaluate(SNAPSHOT);
    if (reopened.hash !== closedAt.hash) fail(`the resumed checkpoint differs: ${reopened.hash} vs ${closedAt.hash}`);
    if (reopened.history !== closedAt.history) fail('the resumed loss history differs from the closed tab\'s');
    const message = await page2.evaluate(() => window.ganvas.status().message);
    if (!/^Resumed at step \d+ with its loss history/.test(message)) fail(`status line after resume: '${message}'`);
    log(`resumed at step ${reopened.step}: same checkpoint hash, same history (${reopened.history.length} characters)`);
    await page2.evaluate((n) => window.ganvas.step(n), o.steps);
    const continued = await page2.evaluate(SNAPSHOT);

    // 3. The run that never closed: from scratch, the same seed, the same number of steps.
    await page2.evaluate(() => window.ganvas.reset());
    await page2.evaluate((n) => window.ganvas.step(n), 3 * o.steps);
    const fromScratch = await page2.evaluate(SNAPSHOT);
    if (fromScratch.step !== continued.step || fromScratch.hash !== continued.hash)
      fail(`step ${continued.step} after a closed tab ${continued.hash.slice(0, 16)} != from scratch ${fromScratch.hash.slice(0, 16)}`);
    log(`step ${continued.step}: resumed run == uninterrupted run (${continued.hash.slice(0, 16)})`);
    await until(page2, async (n) => (await window.ganvas.keptRun.info())?.step === n, continued.step,
      'the resumed tab does not keep its run', KEEP_WAIT_MS);
    await page2.close();

    // 4. Start over forgets it.
    const page3 = await openTab(session, errors);
    await until(page3, () => window.ganvas.keptRun.state().offered, null, 'the third tab offers no run', 10_000);
    await page3.evaluate(() => window.ganvas.keptRun.discard());
    if ((await keptStep(page3)) !== null) fail('Start over left the kept run');
    const state = await page3.evaluate(() => window.ganvas.keptRun.state());
    if (state.offered || !state.keeping) fail(`after Start over: ${JSON.stringify(state)}`);
    log('Start over forgot the kept run');
    session.checkPageErrors();
    if (errors.length) fail(`page errors or CSP violations:\n  ${errors.join('\n  ')}`);
    log('PASS');
  } finally {
    await session.close();
  }
}

runScript(NAME, main);
