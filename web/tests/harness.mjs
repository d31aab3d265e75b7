// harness.mjs - what the browser scripts share: the local server, headless Chromium, the page.
//
//   const session = await openGanvas({dir, url, viewport, log});   // page ready to use
//   ... session.page.evaluate(() => window.ganvas.status()) ...
//   session.checkPageErrors();      // throws HarnessFailure on uncaught page errors
//   await session.close();
//
// Used by browser_test.mjs, link_browser.mjs and layout_browser.mjs (ctests), bench_browser.mjs,
// frame_times_browser.mjs and memory_browser.mjs (run by hand). Needs npm playwright-core and /usr/bin/chromium
// (scripts/setup.sh).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_PAGE_DIR = join(REPO, 'build', 'wasm', 'web');
export const CHROMIUM = '/usr/bin/chromium';
// Headless Chromium flags that give WebGL2 on SwiftShader here (shared/docs/TOOLCHAIN.md).
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const VIEWPORT = { width: 1280, height: 800 };
const READY_TIMEOUT_MS = 60_000;

// A failure with a message meant for people (no stack trace needed).
export class HarnessFailure extends Error {}
export function fail(message) {
  throw new HarnessFailure(message);
}
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Runs `node web/serve.mjs --port 0 [...extraArgs]` and resolves with {child, url} once it prints its URL.
export function startServer(dir, extraArgs = []) {
  return new Promise((resolveServer, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'web', 'serve.mjs'), '--dir', dir, '--port', '0', ...extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new HarnessFailure(`web/serve.mjs printed no URL in 10 s: ${out}${err}`)), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Ganvas is serving at (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolveServer({ child, url: m[1] });
      }
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new HarnessFailure(`web/serve.mjs exited with ${code}: ${err.trim() || out.trim()}`));
    });
  });
}

// Serves `dir` (unless `url` is given), opens the page in headless Chromium and awaits
// window.ganvas.ready. Returns {page, context, url, readySeconds, consoleErrors, pageErrors,
// checkPageErrors(), close()}. On failure everything started so far is closed again.
// `query` (e.g. '?threads=0') is appended to the page address; with isolation false the local
// server sends no COOP/COEP headers (the page then runs its one-thread build). `context` adds
// browser-context options (deviceScaleFactor, hasTouch, isMobile: layout_browser.mjs).
export async function openGanvas({ dir = DEFAULT_PAGE_DIR, url = null, query = '', isolation = true,
  viewport = VIEWPORT, context = {}, log = () => {} } = {}) {
  const { chromium } = await import('playwright-core').catch(() =>
    fail('npm playwright-core is missing: run scripts/setup.sh'));
  const cleanup = [];
  const close = async () => {
    for (const step of cleanup.splice(0)) {
      try {
        await step();
      } catch { /* already gone */ }
    }
  };
  const session = { page: null, context: null, url, readySeconds: 0, consoleErrors: [], pageErrors: [],
    cspViolations: [], close };
  // Every test checks the page ran under web/serve.mjs's Content-Security-Policy without a
  // violation (a blocked script, style, worker or eval would be one).
  session.checkPageErrors = () => {
    if (session.pageErrors.length) fail(`uncaught page error(s):\n  ${session.pageErrors.join('\n  ')}`);
    if (session.cspViolations.length) fail(`Content-Security-Policy violation(s):\n  ${session.cspViolations.join('\n  ')}`);
  };
  try {
    if (!session.url) {
      const server = await startServer(resolve(dir), isolation ? [] : ['--no-isolation']);
      cleanup.push(() => server.child.kill());
      session.url = server.url;
    }
    session.url += query;
    log(`page ${session.url}`);
    const profile = mkdtempSync(join(tmpdir(), 'ganvas-chromium-'));
    cleanup.push(() => rmSync(profile, { recursive: true, force: true }));
    session.context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport, ...context });
    cleanup.unshift(() => session.context.close());
    const page = (session.page = session.context.pages()[0] || (await session.context.newPage()));
    page.on('console', (msg) => { if (msg.type() === 'error') session.consoleErrors.push(msg.text()); });
    page.on('pageerror', (err) => session.pageErrors.push(String(err && err.stack ? err.stack : err)));
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) session.cspViolations.push(msg.text());
    });
    await page.exposeFunction('__ganvasCspViolation', (text) => session.cspViolations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__ganvasCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
    });

    const loadStart = Date.now();
    const response = await page.goto(session.url, { waitUntil: 'load' });
    if (!response || !response.ok()) fail(`loading ${session.url} gave HTTP ${response && response.status()}`);
    session.csp = response.headers()['content-security-policy'] || '';
    if (!url && !/script-src 'self'/.test(session.csp)) fail(`the page came without its Content-Security-Policy (got '${session.csp}')`);
    await page.evaluate((ms) => Promise.race([
      window.ganvas.ready,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`not ready after ${ms} ms`)), ms)),
    ]), READY_TIMEOUT_MS).catch((e) => fail(`window.ganvas.ready failed: ${e.message}`));
    session.checkPageErrors();
    session.readySeconds = (Date.now() - loadStart) / 1000;
    log(`window.ganvas.ready after ${session.readySeconds.toFixed(1)} s`);
    return session;
  } catch (err) {
    await close();
    throw err;
  }
}

// Polls window.ganvas.status() until pred(status) holds; fails with `what` after `ms` (or at once
// when the app reports an error).
export async function waitForStatus(page, pred, what, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await page.evaluate(() => window.ganvas.status());
    if (pred(status)) return status;
    if (status.error) fail(`${what}: the app reports ${status.error}`);
    if (Date.now() > deadline) fail(`${what}; status ${JSON.stringify(status)}`);
    await sleep(100);
  }
}

// The median and the q-quantile (nearest rank) of numbers.
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
}

// Parses --name value pairs into a copy of `defaults` (numbers stay numbers); --help prints usage.
export function parseArgs(argv, defaults, usage) {
  const o = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      console.log(usage);
      process.exit(0);
    }
    const key = arg.startsWith('--') ? arg.slice(2) : null;
    if (!key || !(key in defaults)) fail(`unknown argument '${arg}'\n${usage}`);
    if (i + 1 >= argv.length) fail(`${arg} needs a value\n${usage}`);
    const value = argv[++i];
    if (typeof defaults[key] === 'number') {
      o[key] = Number(value);
      if (!Number.isFinite(o[key])) fail(`${arg} needs a number, not '${value}'`);
    } else {
      o[key] = value;
    }
  }
  return o;
}

// Runs main(), prints "<name>: FAIL - message" and exits 1 on an error, else exits 0.
export async function runScript(name, main) {
  let code = 0;
  try {
    await main();
  } catch (err) {
    code = 1;
    console.error(`${name}: FAIL - ${err instanceof HarnessFailure ? err.message : err.stack || err}`);
  }
  process.exit(code);
}
