#!/usr/bin/env node
// charts_browser.mjs - charts people can read (issue 11 item 3), in headless Chromium:
//
//   node web/tests/charts_browser.mjs [--dir build/wasm/web | --url URL] [--query ?threads=0] [--steps 300]
//                                     [--out DIR]
//
// Trains --steps iterations, then checks the Losses window's chart through window.ganvas.charts()
// (shell/ui/chart.h ChartReport) and the screen:
//   - step labels on the x axis, numbers on the y axis, one point per step so far;
//   - the mouse over the plot gives a hover point whose D and G values are the loss history's
//     (window.ganvas.history()) at one and the same index, the tooltip's step inside the run;
//   - setChart({smoothing: 0.9}): the hover's smoothed values are the debiased moving average of
//     the history (computed here in double, to 1e-4: the chart averages in double and rounds to
//     float once), and differ from the raw ones;
//   - setChart({log: true}): the chart reports the log scale, its y labels are positive and the
//     plot's pixels change (screenshots of its rectangle);
//   - setChart({view: 'd_outputs'}): the chart shows D(x) and D(G(z)), values in (0, 1);
//   - bad options throw TypeError and change nothing.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PAGE_DIR, REPO, fail, openGanvas, parseArgs, runScript, sleep } from './harness.mjs';

const NAME = 'charts_browser';
const USAGE = 'usage: node web/tests/charts_browser.mjs [--dir DIR | --url URL] [--query Q] [--steps 300] [--out DIR]';
const SMOOTHING = 0.9;

// chart_smooth (shell/ui/chart_math.cpp): TensorBoard's debiased exponential moving average.
function smooth(values, w) {
  let last = 0, debias = 1;
  return values.map((v) => {
    if (v === null) return null;
    last = last * w + (1 - w) * v;
    debias *= w;
    return last / (1 - debias);
  });
}

await runScript(NAME, async () => {
  const o = parseArgs(process.argv.slice(2), { dir: DEFAULT_PAGE_DIR, url: '', query: '', steps: 300,
    out: join(REPO, 'build', 'test-results') }, USAGE);
  const log = (m) => console.log(`${NAME}: ${m}`);
  const session = await openGanvas({ dir: o.dir, url: o.url || null, query: o.query, log });
  try {
    const { page } = session;
    const frames = (n = 3) => page.evaluate((k) => new Promise((resolve) => {
      const next = (left) => (left ? requestAnimationFrame(() => next(left - 1)) : resolve()); next(k);
    }), n);
    const lossChart = async () => {
      const all = await page.evaluate(() => window.ganvas.charts());
      const c = all.charts.find((x) => x.id === 'history');
      if (!c) fail(`no Losses chart drawn: ${JSON.stringify(all).slice(0, 300)}`);
      return { options: all.options, chart: c };
    };
    const shot = async (c) => page.screenshot({ clip: { x: c.x, y: c.y, width: c.width, height: c.height } });

    await page.evaluate((n) => window.ganvas.step(n), o.steps);
    await frames();
    const status = await page.evaluate(() => window.ganvas.status());
    if (status.step !== o.steps) fail(`step ${status.step} after step(${o.steps})`);
    let { options, chart } = await lossChart();
    log(`Losses chart: ${chart.points} points, x labels ${chart.x_labels.join(' ')}, y labels ${chart.y_labels.join(' ')}`);
    if (options.log_scale || options.smoothing !== 0 || options.view !== 'losses') fail(`default options ${JSON.stringify(options)}`);
    if (chart.series.join() !== 'D loss,G loss') fail(`series ${chart.series}`);
    if (chart.points !== o.steps) fail(`${chart.points} points for ${o.steps} steps`);
    if (chart.x_labels.length < 2 || chart.y_labels.length < 2) fail(`too few axis labels: ${JSON.stringify(chart)}`);
    if (!chart.x_labels.every((l) => /^\d+(\.\d+)?k?$/.test(l))) fail(`x labels are not steps: ${chart.x_labels}`);
    if (!(chart.width > 100 && chart.height > 40)) fail(`a plot of ${chart.width} x ${chart.height}`);

    // Hover: the tooltip's values are the history's at one index.
    await page.mouse.move(chart.x + 0.6 * chart.width, chart.y + 0.5 * chart.height);
    await frames();
    ({ chart } = await lossChart());
    if (!chart.hover) fail('no hover point with the mouse over the plot');
    const history = await page.evaluate(() => window.ganvas.history());
    // Both are float32 values: the history's JSON prints the shortest text that reads back as the same
    // float, the chart's report the float's exact double; Math.fround maps both to one number.
    const f = Math.fround;
    const index = history.d_loss.findIndex((v, i) => f(v) === f(chart.hover.raw[0]) && f(history.g_loss[i]) === f(chart.hover.raw[1]));
    if (index < 0) fail(`hover values ${chart.hover.raw} are not a point of the history`);
    if (!(chart.hover.step >= 0 && chart.hover.step <= o.steps)) fail(`hover step ${chart.hover.step}`);
    const expectedStep = 0.6 * o.steps;
    if (Math.abs(chart.hover.step - expectedStep) > 0.05 * o.steps) fail(`hover step ${chart.hover.step}, expected near ${expectedStep}`);
    log(`hover at step ${chart.hover.step}: D ${chart.hover.raw[0].toFixed(4)}, G ${chart.hover.raw[1].toFixed(4)} (history index ${index})`);
    const linear = await shot(chart);
    const linearLabels = chart.y_labels.join(' ');

    // Smoothing: the hover's smoothed values are the history's moving average.
    options = await page.evaluate((w) => window.ganvas.setChart({ smoothing: w }), SMOOTHING);
    if (Math.abs(options.smoothing - SMOOTHING) > 1e-6) fail(`setChart gave ${JSON.stringify(options)}`);
    await frames();
    ({ chart } = await lossChart());
    if (!chart.hover) fail('no hover point after setChart({smoothing})');
    const expected = [smooth(history.d_loss, SMOOTHING)[index], smooth(history.g_loss, SMOOTHING)[index]];
    for (let k = 0; k < 2; ++k) {
      const got = chart.hover.smoothed[k];
      if (!(Math.abs(got - expected[k]) <= 1e-4 * Math.max(1, Math.abs(expected[k]))))
        fail(`smoothed ${chart.series[k]} ${got}, the moving average is ${expected[k]}`);
    }
    if (chart.hover.smoothed[0] === chart.hover.raw[0] && chart.hover.smoothed[1] === chart.hover.raw[1])
      fail('smoothing changed nothing at the hover point');
    log(`smoothing ${SMOOTHING}: D ${chart.hover.smoothed[0].toFixed(4)}, G ${chart.hover.smoothed[1].toFixed(4)} (moving average checked)`);

    // Log scale: reported, other labels, other pixels.
    await page.evaluate(() => window.ganvas.setChart({ log: true, smoothing: 0 }));
    await frames();
    ({ chart } = await lossChart());
    if (!chart.log_scale) fail('setChart({log: true}) did not reach the chart');
    // Within one decade (losses of 0.6..1.6) a log axis may pick the same round labels as the linear
    // one, placed otherwise: the labels must be positive numbers, and the pixels must differ (below).
    if (!chart.y_labels.every((l) => Number.parseFloat(l) > 0)) fail(`y labels on a log scale that are not positive: ${chart.y_labels}`);
    const logShot = await shot(chart);
    if (Buffer.compare(linear, logShot) === 0) fail('the plot looks the same on a log scale');
    log(`log scale: y labels ${chart.y_labels.join(' ')} (linear: ${linearLabels}), ${chart.left_out} values left out`);
    mkdirSync(o.out, { recursive: true });
    writeFileSync(join(o.out, 'charts_linear.png'), linear);
    writeFileSync(join(o.out, 'charts_log.png'), logShot);

    // D(x), D(G(z)).
    await page.evaluate(() => window.ganvas.setChart({ log: false, view: 'd_outputs' }));
    await frames();
    ({ chart } = await lossChart());
    if (chart.series.join() !== 'D(x),D(G(z))') fail(`the D outputs view shows ${chart.series}`);
    if (chart.hover && !chart.hover.raw.every((v) => v > 0 && v < 1)) fail(`D outputs ${chart.hover.raw} outside (0, 1)`);

    // Refused options change nothing.
    for (const bad of [{ smoothing: 5 }, { log: 'yes' }, { view: 'pie' }]) {
      const threw = await page.evaluate((b) => {
        try { window.ganvas.setChart(b); return null; } catch (e) { return `${e.name}: ${e.message}`; }
      }, bad);
      if (!threw || !threw.startsWith('TypeError')) fail(`setChart(${JSON.stringify(bad)}) was not refused (${threw})`);
    }
    ({ options } = await lossChart());
    if (options.view !== 'd_outputs' || options.log_scale || options.smoothing !== 0) fail(`options changed: ${JSON.stringify(options)}`);
    await sleep(100);
    session.checkPageErrors();
    log('ok');
  } finally {
    await session.close();
  }
});
