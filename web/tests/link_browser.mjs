#!/usr/bin/env node
// link_browser.mjs - share links in a real browser (issue 9): a link opened in a fresh page shows
// the sender's digit, float for float.
//
//   node web/tests/link_browser.mjs [--dir build/wasm/web] [--steps 60] [--timeout 120]
//
// 1. A page (threaded build) trains --steps iterations, pauses, selects sample 5 and reads its
//    link and 784 floats (which must equal row 5 of samplesRaw(): the digit is the grid cell);
//    then an interpolated digit (setDigitSlerp) and an edited one (setDigitRaw: grid z 5 nudged).
//    Malformed links (a wrong checksum, truncated, oversized, not a link, another version) are
//    rejected with a message, and the run is kept (same step, same digit).
// 2. For each of the three links a FRESH browser context (new profile, new server) opens it -
//    the first through the address (location.hash), the others with openLink() - rebuilds the
//    model and shows a digit whose floats are byte-identical to the sender's.
// 3. `ganvas sample --link <url> --raw out.f32` (build/native, when present) writes the same bytes.
// 4. The one-thread build (serve.mjs --no-isolation) opens the first link: the same bytes again.
// 5. The shipped generator's link (shipped-generator.json's link field, when the build has it)
//    opens in a fresh context in under 2 s (openLink() to the digit shown; the time is printed).
// The first view fetches neither shipped-generator file. Prints the figures; exits non-zero with a message on any failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { DEFAULT_PAGE_DIR, REPO, fail, openGanvas, parseArgs, runScript, sleep, waitForStatus } from './harness.mjs';

const USAGE = 'usage: node web/tests/link_browser.mjs [--dir build/wasm/web] [--steps 60] [--timeout 120]';
const NAME = 'link_browser';
const NATIVE_CLI = join(REPO, 'build', 'native', 'cli', 'ganvas');
const SAMPLE = 5;                 // the grid cell the sender selects
const SHIPPED_OPEN_LIMIT_MS = 2000;
const log = (m) => console.log(`${NAME}: ${m}`);

// digit() with its pixels as base64 of their float32 bytes (exact across evaluate()).
const DIGIT_IN_PAGE = `(() => {
  const d = window.ganvas.digit();
  const b64 = (f) => {
    if (!f) return null;
    const bytes = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  };
  return { ...d, pixels: b64(d.pixels) };
})()`;
async function readDigit(page) {
  const d = await page.evaluate(DIGIT_IN_PAGE);
  if (!d.pixels) fail(`digit() has no pixels: ${d.refusal}`);
  const pixels = Buffer.from(d.pixels, 'base64');
  if (pixels.length !== 784 * 4) fail(`digit() gave ${pixels.length / 4} floats, not 784`);
  return { ...d, pixels };
}

function largestDifference(a, b) {
  const x = new Float32Array(a.buffer, a.byteOffset, a.length / 4);
  const y = new Float32Array(b.buffer, b.byteOffset, b.length / 4);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  return worst;
}
function sameBytes(what, got, expected) {
  if (!got.equals(expected)) fail(`${what}: the floats differ (largest difference ${largestDifference(got, expected)})`);
}

// The sender: trains, selects, interpolates, edits; returns [{name, link, pixels}] and the step.
async function sender(options, cleanup) {
  const session = await openGanvas({ dir: options.dir, log });
  cleanup.push(() => session.close());
  const { page } = session;
  const build = await page.evaluate(() => window.ganvas.build.name);
  if (build !== 'ganvas_mt') fail(`the isolated page loaded ${build}, not ganvas_mt`);
  // The shipped generator stays off the first view's download (it is fetched for its links only).
  const early = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name)
    .filter((n) => n.includes('shipped-generator')));
  if (early.length) fail(`the first view fetched ${early.join(', ')}`);
  await page.evaluate(() => window.ganvas.start());
  await waitForStatus(page, (s) => s.step >= options.steps, `training did not reach step ${options.steps}`,
    options.timeout * 1000);
  // Paused mid-iteration a model has no link (it names whole steps): finish that iteration.
  const step = await page.evaluate(() => {
    window.ganvas.pause();
    return window.ganvas.step(1);
  });

  const { grid } = await page.evaluate((i) => {
    window.ganvas.selectSample(i);
    const s = window.ganvas.samplesRaw();
    const row = s.subarray(i * 784, (i + 1) * 784);
    const bytes = new Uint8Array(row.buffer, row.byteOffset, row.byteLength);
    return { grid: btoa(String.fromCharCode(...bytes)) };
  }, SAMPLE);
  const selected = await readDigit(page);
  if (!selected.link) fail(`sample ${SAMPLE} has no link: ${selected.refusal}`);
  const origin = new URL(session.url).origin;
  if (!selected.link.startsWith(`${origin}/ganvas.html#ganvas=1&`)) fail(`the link is not this page's: ${selected.link}`);
  sameBytes(`the selected digit vs grid cell ${SAMPLE} (samplesRaw())`, selected.pixels, Buffer.from(grid, 'base64'));
  log(`step ${step}: sample ${SAMPLE} selected; its link has ${selected.link.length} characters ` +
    `(fragment ${selected.link.length - selected.link.indexOf('#') - 1}); its floats are grid cell ${SAMPLE}'s`);

  const slerpError = await page.evaluate(() => {
    try {
      window.ganvas.setDigitSlerp(1, 5, 1, 9, 0.375);
      return null;
    } catch (e) {
      return e.message;
    }
  });
  if (slerpError) fail(`setDigitSlerp refused: ${slerpError}`);
  const slerp = await readDigit(page);
  if (!slerp.link || !/[#&]z=slerp:/.test(slerp.link)) fail(`the interpolated digit's link has no z=slerp: ${slerp.link}`);
  const rawError = await page.evaluate((i) => {
    const g = window.ganvas;
    const zAll = g.gridZ();
    const latent = zAll.length / 64;
    const z = zAll.slice(i * latent, (i + 1) * latent);
    z[0] += 0.5;
    z[latent - 1] = -z[latent - 1];
    try {
      g.selectSample(i);
      g.setDigitRaw(z);
      return null;
    } catch (e) {
      return e.message;
    }
  }, SAMPLE);
  if (rawError) fail(`setDigitRaw refused: ${rawError}`);
  const raw = await readDigit(page);
  if (!raw.link || !/[#&]z=f32:/.test(raw.link)) fail(`the edited digit's link has no z=f32: ${raw.link}`);
  if (raw.pixels.equals(selected.pixels) || slerp.pixels.equals(selected.pixels))
    fail('the interpolated or edited digit has the same pixels as the selected one');
  log(`interpolated digit: link of ${slerp.link.length} characters; edited digit (raw z): ${raw.link.length}`);

  const gridLink = await page.evaluate(() => window.ganvas.gridLink());
  if (!gridLink || !/[#&]grid=/.test(gridLink)) fail(`gridLink() gave ${gridLink}`);

  await checkMalformed(page, selected.link, step, raw.pixels);
  session.checkPageErrors();
  await session.close();
  return { step, links: [{ name: 'selected', ...selected }, { name: 'interpolated', ...slerp }, { name: 'edited', ...raw }] };
}

// Malformed links are refused with a message naming the problem; the run stays as it was.
async function checkMalformed(page, link, step, pixels) {
  const fragment = link.slice(link.indexOf('#') + 1);
  const flip = (text, at) => text.slice(0, at) + (text[at] === '0' ? '1' : '0') + text.slice(at + 1);
  const cases = [
    ['a wrong checksum', link.slice(0, -1) + (link.endsWith('0') ? '1' : '0')],
    ['a changed digit seed', flip(link, link.indexOf('&z=') + 5)],
    ['truncated', link.slice(0, link.length - Math.floor(fragment.length / 2))],
    ['oversized', link + '&pad=' + 'x'.repeat(10000)],
    ['another version', link.replace('ganvas=1&', 'ganvas=7&')],
    ['not a link', 'https://example.invalid/ganvas.html#hello'],
    ['empty', ''],
  ];
  for (const [what, text] of cases) {
    const r = await page.evaluate((t) => window.ganvas.openLink(t).then(() => ({ resolved: true }),
      (e) => ({ message: e.message })), text);
    if (r.resolved || !(r.message && r.message.length >= 12)) fail(`a link with ${what} was not refused with a message: ${JSON.stringify(r)}`);
    const after = await readDigit(page);
    const status = await page.evaluate(() => window.ganvas.status());
    if (status.step !== step || status.rebuild.active) fail(`a link with ${what} changed the run: step ${status.step}`);
    if (!after.pixels.equals(pixels)) fail(`a link with ${what} changed the digit`);
    log(`malformed (${what}): refused - ${r.message}`);
  }
}

// A fresh browser context opens `link`; returns its digit and the seconds it took.
async function receiver(options, cleanup, link, how, isolation = true) {
  const fragment = link.slice(link.indexOf('#'));
  const viaHash = how === 'address';
  const session = await openGanvas({ dir: options.dir, isolation, query: viaHash ? fragment : '', log: () => {} });
  cleanup.push(() => session.close());
  const { page } = session;
  const t0 = Date.now();
  if (viaHash) {
    await waitForStatus(page, (s) => s.digit.link_state === 'shown' || s.digit.link_state === 'mismatch' ||
      s.digit.link_state === 'refused', 'the link in the address was not opened', options.timeout * 1000);
  } else {
    const r = await page.evaluate((t) => window.ganvas.openLink(t).then((d) => ({ ok: Boolean(d && d.pixels) }),
      (e) => ({ error: e.message })), link);
    if (r.error) fail(`openLink in a fresh context refused: ${r.error}`);
  }
  const seconds = (Date.now() - t0) / 1000;
  const status = await page.evaluate(() => window.ganvas.status());
  if (status.digit.link_state !== 'shown') fail(`the link was not shown: ${status.digit.link_message}`);
  const digit = await readDigit(page);
  const build = await page.evaluate(() => window.ganvas.build.name);
  session.checkPageErrors();
  await session.close();
  return { digit, seconds, build, readySeconds: session.readySeconds };
}

// `ganvas sample --link <url> --raw out.f32` writes the same bytes (when build/native has the CLI).
function nativeSample(link, cleanup) {
  if (!existsSync(NATIVE_CLI)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'ganvas-link-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'digit.f32');
  execFileSync(NATIVE_CLI, ['sample', '--link', link, '--raw', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(out);
}

// The shipped generator's link: its JSON's link field, or (when that is empty) the link of cell 0
// of the shipped generator loaded into a page. A fresh context opens it: timed, and the same floats.
async function shippedLink(options, cleanup) {
  const jsonPath = join(resolve(options.dir), 'shipped-generator.json');
  if (!existsSync(jsonPath)) {
    log(`shipped generator: skipped (no ${jsonPath})`);
    return;
  }
  const info = JSON.parse(readFileSync(jsonPath, 'utf8'));
  let link = info.link ? `#${info.link.replace(/^#/, '')}` : null;
  let expected = null;
  if (!link) {
    const maker = await openGanvas({ dir: options.dir, log: () => {} });
    cleanup.push(() => maker.close());
    const error = await maker.page.evaluate(async () => {
      try {
        await window.ganvas.loadShippedGenerator();
        window.ganvas.selectSample(0);
        return null;
      } catch (e) {
        return e.message;
      }
    });
    if (error) fail(`loadShippedGenerator() failed: ${error}`);
    const d = await readDigit(maker.page);
    if (!d.link) fail(`the shipped generator's digit has no link: ${d.refusal}`);
    link = d.link;
    expected = d.pixels;
    maker.checkPageErrors();
    await maker.close();
  }
  const session = await openGanvas({ dir: options.dir, log: () => {} });
  cleanup.push(() => session.close());
  const { page } = session;
  const r = await page.evaluate(async (t) => {
    const t0 = performance.now();
    try {
      await window.ganvas.openLink(t);
    } catch (e) {
      return { error: e.message };
    }
    return { ms: performance.now() - t0, rebuilt: window.ganvas.status().rebuild };
  }, link);
  if (r.error) fail(`the shipped generator's link was refused: ${r.error}`);
  if (expected) sameBytes("the shipped generator's digit opened in a fresh context", (await readDigit(page)).pixels, expected);
  log(`shipped generator (step ${info.steps}, w=${info.weight_hash}): ${info.link ? "its JSON's grid link" : 'the link of its cell 0'} ` +
    `opened in ${r.ms.toFixed(0)} ms in a fresh context (fetch + load + show; page ready after ` +
    `${session.readySeconds.toFixed(1)} s)${expected ? ', floats byte-identical' : ''}`);
  if (!(r.ms < SHIPPED_OPEN_LIMIT_MS)) fail(`the shipped generator's link took ${r.ms.toFixed(0)} ms (limit ${SHIPPED_OPEN_LIMIT_MS})`);
  session.checkPageErrors();
  await session.close();
}

async function main() {
  const options = parseArgs(process.argv.slice(2), { dir: DEFAULT_PAGE_DIR, steps: 60, timeout: 120 }, USAGE);
  const cleanup = [];
  try {
    const { step, links } = await sender(options, cleanup);
    const hows = ['address', 'openLink', 'openLink'];
    for (const [i, { name, link, pixels }] of links.entries()) {
      const r = await receiver(options, cleanup, link, hows[i]);
      sameBytes(`the ${name} digit opened in a fresh context (${hows[i]})`, r.digit.pixels, pixels);
      log(`${name} digit: a fresh ${r.build} context (${hows[i]}) rebuilt step ${step} and showed it in ` +
        `${r.seconds.toFixed(1)} s: 784 floats byte-identical`);
      const native = nativeSample(link, cleanup);
      if (native) {
        sameBytes(`\`ganvas sample --link\` of the ${name} digit`, native, pixels);
        log(`${name} digit: \`ganvas sample --link ... --raw\` wrote the same ${native.length} bytes`);
      } else {
        log(`${name} digit: native check skipped (no ${NATIVE_CLI})`);
      }
    }
    const st = await receiver(options, cleanup, links[0].link, 'openLink', false);
    if (st.build !== 'ganvas_st') fail(`the page without isolation loaded ${st.build}`);
    sameBytes('the selected digit opened by the one-thread build', st.digit.pixels, links[0].pixels);
    log(`one-thread build: rebuilt and showed the selected digit in ${st.seconds.toFixed(1)} s: byte-identical`);
    await shippedLink(options, cleanup);
    log('PASS');
  } finally {
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch { /* already gone */ }
    }
  }
}

runScript(NAME, main);
