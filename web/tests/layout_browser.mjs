#!/usr/bin/env node
// layout_browser.mjs - the page on any screen (issue 14), in headless Chromium.
//
//   node web/tests/layout_browser.mjs [--dir build/wasm/web] [--out build/wasm/test-results]
//
// 1. Layout: at device scale 1 and 2, one page is resized through 390x844, 844x390 (the phone
//    turned), 1024x640 and 1280x800. At each size, through window.ganvas.windows(): every open
//    window and the banner lie inside the viewport, none overlaps another, the banner's text fits
//    it, the sample grid (status().samples_rect) lies whole inside the Samples window and the
//    viewport and is at least 150 CSS pixels wide, and the canvas has devicePixelRatio backing
//    pixels per CSS pixel and the font is rasterised at the text size x that ratio (crisp). A
//    screenshot of each: <out>/layout-<W>x<H>@<D>x.png. At scale 1 the ratio then changes to 2
//    under the running page: canvas and font follow.
// 2. What the user moved stays (scale 1, 1280x800): the Losses window dragged by its title bar
//    is reported moved, keeps its place when the page is resized to 1024x640 while the others
//    are placed again inside it, and resetLayout() puts it back inside the viewport.
// 3. A linked digit (390x844 @2x): opening a digit's link shows the Digit window above the grid,
//    everything still inside (screenshot layout-390x844@2x-link.png).
// 4. Touch (390x844 @2x, hasTouch, isMobile): a tap on Training's Start starts training; a touch
//    drag on the threads slider sets status().threads to its maximum; one on Training's
//    background scrolls it; one on the Digit window's zoom slider raises its zoom; one on a title
//    bar moves that window.
//    Screenshot layout-touch.png.
// Prints the figures; exits non-zero with a message on any failure.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { DEFAULT_PAGE_DIR, REPO, fail, openGanvas, parseArgs, runScript, sleep } from './harness.mjs';

const USAGE = 'usage: node web/tests/layout_browser.mjs [--dir build/wasm/web] [--out build/wasm/test-results]';
const NAME = 'layout_browser';
const SIZES = [[390, 844], [844, 390], [1024, 640], [1280, 800]];
const SCALES = [1, 2];
const MIN_GRID = 150;      // CSS pixels: the grid's cells at least ~18 px
const TOLERANCE = 0.5;     // ImGui keeps whole pixels; allow rounding
// ImGui's dark style: the slider grab's colour (SliderGrab 0.24, 0.52, 0.88).
const GRAB = [61, 133, 224];
const log = (m) => console.log(`${NAME}: ${m}`);

// Resolves after `n` animation frames of the page.
function frames(page, n = 3) {
  return page.evaluate((count) => new Promise((done) => {
    let k = 0;
    const next = () => (++k >= count ? done() : requestAnimationFrame(next));
    requestAnimationFrame(next);
  }), n);
}

// windows() once it no longer changes between frames (a resize takes a frame to reach the app).
async function settledWindows(page, what) {
  let last = null;
  for (let i = 0; i < 40; i++) {
    await frames(page, 2);
    const now = await page.evaluate(() => JSON.stringify(window.ganvas.windows()));
    if (now === last) return JSON.parse(now);
    last = now;
  }
  fail(`${what}: the windows never settled: ${last}`);
}

const byName = (wins, name) => wins.find((w) => w.name === name);
const describe = (w) => `${w.name} at ${w.x},${w.y} ${w.width}x${w.height}`;
function inside(r, width, height) {
  return r.width > 0 && r.height > 0 && r.x >= -TOLERANCE && r.y >= -TOLERANCE &&
    r.x + r.width <= width + TOLERANCE && r.y + r.height <= height + TOLERANCE;
}
function overlap(a, b) {
  return a.x < b.x + b.width - TOLERANCE && b.x < a.x + a.width - TOLERANCE &&
    a.y < b.y + b.height - TOLERANCE && b.y < a.y + a.height - TOLERANCE;
}

// Every unmoved window inside, no two overlapping, the banner's text fitting, the grid whole.
async function checkLayout(page, what, width, height) {
  const wins = await settledWindows(page, what);
  const placed = wins.filter((w) => !w.moved);
  for (const w of placed) if (!inside(w, width, height)) fail(`${what}: ${describe(w)} is not inside ${width}x${height}`);
  for (let i = 0; i < placed.length; i++)
    for (let j = i + 1; j < placed.length; j++)
      if (overlap(placed[i], placed[j])) fail(`${what}: ${describe(placed[i])} overlaps ${describe(placed[j])}`);
  const banner = byName(wins, 'banner');
  if (!banner) fail(`${what}: no banner`);
  if (banner.clipped) fail(`${what}: the banner's text does not fit its ${banner.height} pixels`);
  const samples = byName(wins, 'Samples');
  if (!samples) fail(`${what}: the Samples window is not open`);
  const grid = (await page.evaluate(() => window.ganvas.status())).samples_rect;
  if (!inside(grid, width, height) || grid.x < samples.x - TOLERANCE || grid.y < samples.y - TOLERANCE ||
      grid.x + grid.width > samples.x + samples.width + TOLERANCE ||
      grid.y + grid.height > samples.y + samples.height + TOLERANCE)
    fail(`${what}: the grid ${JSON.stringify(grid)} is not whole inside ${describe(samples)} and the viewport`);
  if (grid.width < MIN_GRID) fail(`${what}: the grid is only ${grid.width} pixels wide`);
  return { wins, grid };
}

// The canvas's backing store: devicePixelRatio pixels per CSS pixel.
async function checkBacking(page, what, scale, textSize) {
  const c = await page.evaluate(() => {
    const canvas = document.getElementById('canvas');
    const r = canvas.getBoundingClientRect();
    return { w: canvas.width, h: canvas.height, cssW: r.width, cssH: r.height, dpr: window.devicePixelRatio };
  });
  if (c.dpr !== scale || Math.abs(c.w - c.cssW * scale) > 1 || Math.abs(c.h - c.cssH * scale) > 1)
    fail(`${what}: the canvas is ${c.w}x${c.h} for ${c.cssW}x${c.cssH} CSS pixels at ratio ${c.dpr}`);
  // The font is rasterised for the ratio (crisp, not scaled up): the text size x the ratio.
  const banner = byName(await settledWindows(page, what), 'banner');
  if (banner.font_pixels !== textSize * scale)
    fail(`${what}: the font is rasterised at ${banner.font_pixels} px, not ${textSize} x ${scale}`);
}

// The layout's text size (shell/ui/layout.cpp): 17 px when the short side is under 600 px.
const textSize = (width, height) => (Math.min(width, height) < 600 ? 17 : 15);

// Pixels of the slider grab's colour inside `rect` of a CSS-scale screenshot: the bounding box
// of the topmost run of them (the first slider in that window).
// `which` 'first': the first slider from the top; 'leftmost': of all sliders in the rectangle, the
// one whose grab is furthest left (a slider at its minimum, e.g. threads at 1, beside the speed
// slider at "full").
async function findGrab(page, rect, which = 'first') {
  const png = (await page.screenshot({ scale: 'css' })).toString('base64');
  return page.evaluate(async ({ png, rect, grab, which }) => {
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const x0 = Math.ceil(rect.x), y0 = Math.ceil(rect.y);
    const w = Math.floor(rect.width) - 1, h = Math.floor(rect.height) - 1;
    const d = ctx.getImageData(x0, y0, w, h).data;
    const near = (i) => Math.abs(d[i] - grab[0]) < 14 && Math.abs(d[i + 1] - grab[1]) < 14 && Math.abs(d[i + 2] - grab[2]) < 14;
    const boxes = [];
    let box = null;
    for (let y = 0; y < h; y++) {
      let any = false;
      for (let x = 0; x < w; x++) {
        if (!near(4 * (y * w + x))) continue;
        any = true;
        if (!box) box = { x0: x, x1: x, y0: y, y1: y };
        box.x0 = Math.min(box.x0, x);
        box.x1 = Math.max(box.x1, x);
        box.y1 = y;
      }
      if (box && !any) {  // the end of one slider's rows
        boxes.push(box);
        box = null;
        if (which === 'first') break;
      }
    }
    if (box) boxes.push(box);
    const pick = which === 'first' ? boxes[0] : boxes.sort((a, b) => a.x0 - b.x0)[0];
    return pick && { x: x0 + (pick.x0 + pick.x1) / 2, y: y0 + (pick.y0 + pick.y1) / 2, width: pick.x1 - pick.x0 + 1 };
  }, { png, rect, grab: GRAB, which });
}

// A one-finger drag through Chromium's touch emulation (CDP Input.dispatchTouchEvent), slow
// enough for the app to see each step in its own frame.
async function touchDrag(page, cdp, from, to, steps = 8) {
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: from.x, y: from.y }] });
  await frames(page, 2);
  for (let i = 1; i <= steps; i++) {
    const p = { x: from.x + ((to.x - from.x) * i) / steps, y: from.y + ((to.y - from.y) * i) / steps };
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
    await frames(page, 1);
  }
  await frames(page, 2);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await frames(page, 3);
}

async function waitFor(page, pred, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await page.evaluate(() => ({ status: window.ganvas.status(), windows: window.ganvas.windows() }));
    if (pred(s)) return s;
    if (Date.now() > deadline) fail(`${what}; status ${JSON.stringify(s.status).slice(0, 400)}; windows ${JSON.stringify(s.windows)}`);
    await sleep(100);
  }
}

// 1 and 2: every size at one device scale, in one page (each size is a resize of it).
async function sizes(options, scale) {
  const [w0, h0] = SIZES[0];
  const session = await openGanvas({ dir: options.dir, viewport: { width: w0, height: h0 },
    context: { deviceScaleFactor: scale }, log });
  try {
    const { page } = session;
    for (const [width, height] of SIZES) {
      const what = `${width}x${height} @${scale}x`;
      await page.setViewportSize({ width, height });
      const { wins, grid } = await checkLayout(page, what, width, height);
      await checkBacking(page, what, scale, textSize(width, height));
      const shot = join(options.out, `layout-${width}x${height}@${scale}x.png`);
      await page.screenshot({ path: shot });
      log(`${what}: ${wins.map((w) => w.name).join(', ')} inside; grid ${Math.round(grid.width)} px; ${shot}`);
    }
    if (scale === 1) {
      await userMoves(page);
      // The pixel ratio changes under the page (a zoom, a move to another screen): the canvas
      // and the font follow.
      const cdp = await session.context.newCDPSession(page);
      await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1024, height: 640, deviceScaleFactor: 2, mobile: false });
      // The page notices a ratio change on its next poll (web/ganvas_api.js, every 250 ms) or
      // media-query event, and the app rebuilds its backing store and font on the frame after:
      // wait for the backing store (up to 5 s, far above either) before checking it.
      await page.waitForFunction(() => {
        const canvas = document.getElementById('canvas');
        return canvas.width >= 2 * canvas.getBoundingClientRect().width - 1;
      }, null, { timeout: 5000 }).catch(() => {});
      await checkLayout(page, '1024x640 after the ratio became 2', 1024, 640);
      await checkBacking(page, '1024x640 after the ratio became 2', 2, textSize(1024, 640));
      log('the pixel ratio changed from 1 to 2 in a running page: backing store and font rebuilt for it');
    }
    session.checkPageErrors();
  } finally {
    await session.close();
  }
}

// 2: a window the user dragged stays where it was put; Reset layout places it again.
async function userMoves(page) {
  await page.setViewportSize({ width: 1280, height: 800 });
  let wins = await settledWindows(page, '1280x800 before the drag');
  const losses = byName(wins, 'Losses');
  if (!losses || losses.moved) fail(`the Losses window should be open and unmoved: ${JSON.stringify(losses)}`);
  await page.mouse.move(losses.x + 80, losses.y + 10);
  await page.mouse.down();
  await page.mouse.move(losses.x + 180, losses.y + 40, { steps: 6 });
  await frames(page, 3);
  await page.mouse.up();
  wins = await settledWindows(page, 'after the drag');
  const dragged = byName(wins, 'Losses');
  if (!dragged.moved || Math.abs(dragged.x - losses.x - 100) > 2 || Math.abs(dragged.y - losses.y - 30) > 2)
    fail(`dragging Losses by (100, 30) gave ${JSON.stringify(dragged)} from ${describe(losses)}`);
  await page.setViewportSize({ width: 1024, height: 640 });
  await checkLayout(page, '1024x640 after the drag', 1024, 640);
  wins = await settledWindows(page, '1024x640 after the drag');
  const kept = byName(wins, 'Losses');
  if (!kept.moved || kept.x !== dragged.x || kept.y !== dragged.y)
    fail(`the dragged Losses window did not keep its place on a resize: ${describe(kept)}, was ${describe(dragged)}`);
  await page.evaluate(() => window.ganvas.resetLayout());
  await checkLayout(page, '1024x640 after resetLayout()', 1024, 640);
  wins = await settledWindows(page, 'after resetLayout()');
  const reset = byName(wins, 'Losses');
  if (!reset || reset.moved || !inside(reset, 1024, 640)) fail(`resetLayout() left Losses at ${JSON.stringify(reset)}`);
  log(`a dragged window kept its place through a resize (${describe(kept)}); resetLayout() put it back (${describe(reset)})`);
}

// 3: a digit's link opened: the Digit window first, everything inside.
async function linked(options) {
  const session = await openGanvas({ dir: options.dir, viewport: { width: 390, height: 844 },
    context: { deviceScaleFactor: 2 }, log });
  try {
    const { page } = session;
    const link = await page.evaluate(() => window.ganvas.selectSample(5).link);
    if (!link) fail('sample 5 of the fresh model has no link');
    await page.evaluate((url) => window.ganvas.openLink(url), link);
    await waitFor(page, (s) => s.status.digit.link_state === 'shown', 'the link was not shown');
    const { wins } = await checkLayout(page, '390x844 @2x with a link', 390, 844);
    const digit = byName(wins, 'Digit');
    const samples = byName(wins, 'Samples');
    if (!digit || !(digit.y < samples.y)) fail(`with a link the Digit window is not above the grid: ${JSON.stringify(wins)}`);
    const shot = join(options.out, 'layout-390x844@2x-link.png');
    await page.screenshot({ path: shot });
    log(`390x844 @2x with a link: ${describe(digit)} above ${describe(samples)}; ${shot}`);
    session.checkPageErrors();
  } finally {
    await session.close();
  }
}

// 4: taps and drags with a finger.
async function touch(options) {
  const session = await openGanvas({ dir: options.dir, viewport: { width: 390, height: 844 },
    context: { deviceScaleFactor: 2, hasTouch: true, isMobile: true }, log });
  try {
    const { page } = session;
    const cdp = await session.context.newCDPSession(page);
    let wins = await settledWindows(page, 'touch: first view');
    const training = byName(wins, 'Training');
    // Start is Training's first item: under the title bar (17 px text + 2 x 6 padding on a
    // phone) and the window's 8 px padding; the button is 29 px high, about 60 px wide.
    const start = { x: training.x + 8 + 25, y: training.y + 29 + 8 + 14 };
    await page.touchscreen.tap(start.x, start.y);
    await waitFor(page, (s) => s.status.running, `a tap on Start (${start.x}, ${start.y}) did not start training`);
    log(`a tap on Start at (${start.x}, ${start.y}) started training`);

    const before = await page.evaluate(() => window.ganvas.status());
    if (before.max_threads < 2) fail(`the threads slider needs 2 or more cores (max_threads ${before.max_threads})`);
    const grab = await findGrab(page, training, 'leftmost');  // threads at 1, not the speed slider at full
    if (!grab) fail('no slider grab found in the Training window (the threads slider)');
    await touchDrag(page, cdp, grab, { x: grab.x + 250, y: grab.y });
    await waitFor(page, (s) => s.status.threads === before.max_threads,
      `a touch drag on the threads slider from ${before.threads} did not reach ${before.max_threads}`);
    log(`a touch drag on the threads slider: ${before.threads} -> ${before.max_threads} threads`);

    // A drag on the window's background (right of its text, left of its scroll bar) scrolls it.
    // The window's rows change as it grows (buttons, sliders), so a few background points are
    // tried, right of the widgets: the first drag that lands on background must scroll.
    let scrolled = null;
    for (const [dx, fy] of [[60, 0.6], [30, 0.6], [30, 0.75], [30, 0.45], [30, 0.9]]) {
      const from = { x: training.x + training.width - dx, y: training.y + training.height * fy };
      await touchDrag(page, cdp, from, { x: from.x, y: from.y - 80 });
      wins = await settledWindows(page, 'touch: after the scroll drag');
      scrolled = byName(wins, 'Training');
      if (scrolled.scroll_y > 20 || scrolled.moved) break;
    }
    if (!(scrolled.scroll_y > 20) || scrolled.moved)
      fail(`a touch drag up on Training's background did not scroll it: ${JSON.stringify(scrolled)}`);
    log(`a touch drag on Training's background scrolled it by ${scrolled.scroll_y} px`);

    await page.evaluate(() => window.ganvas.selectSample(5));  // the Digit window opens
    wins = await settledWindows(page, 'touch: a digit selected');
    const digit = byName(wins, 'Digit');
    if (!digit || !inside(digit, 390, 844)) fail(`selecting a digit did not open the Digit window inside: ${JSON.stringify(wins)}`);
    const zoomGrab = await findGrab(page, digit);
    if (!zoomGrab) fail(`no slider grab found in the Digit window (the zoom): ${describe(digit)}`);
    await touchDrag(page, cdp, zoomGrab, { x: zoomGrab.x + 120, y: zoomGrab.y });
    wins = await settledWindows(page, 'touch: after the zoom drag');
    const zoomed = byName(wins, 'Digit');
    if (!(zoomed.zoom > digit.zoom)) fail(`a touch drag on the zoom slider left the zoom at ${zoomed.zoom} (was ${digit.zoom})`);
    log(`a touch drag on the digit's zoom slider: ${digit.zoom}x -> ${zoomed.zoom}x`);

    const samples = byName(wins, 'Samples');
    await touchDrag(page, cdp, { x: samples.x + 150, y: samples.y + 12 }, { x: samples.x + 150, y: samples.y + 52 });
    wins = await settledWindows(page, 'touch: after moving Samples');
    const moved = byName(wins, 'Samples');
    if (!moved.moved || Math.abs(moved.y - samples.y - 40) > 2)
      fail(`a touch drag on the Samples title bar by 40 px gave ${describe(moved)} from ${describe(samples)}`);
    log(`a touch drag on the Samples title bar moved it from y ${samples.y} to ${moved.y}`);
    const shot = join(options.out, 'layout-touch.png');
    await page.screenshot({ path: shot });
    log(`touch screenshot ${shot}`);
    session.checkPageErrors();
  } finally {
    await session.close();
  }
}

runScript(NAME, async () => {
  const options = parseArgs(process.argv.slice(2),
    { dir: DEFAULT_PAGE_DIR, out: join(REPO, 'build', 'wasm', 'test-results') }, USAGE);
  options.out = resolve(options.out);
  mkdirSync(options.out, { recursive: true });
  for (const scale of SCALES) await sizes(options, scale);
  await linked(options);
  await touch(options);
  log('PASS');
});
