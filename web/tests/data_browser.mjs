#!/usr/bin/env node
// data_browser.mjs - your own images in a real browser (issue 11 item 4), in headless Chromium:
//
//   node web/tests/data_browser.mjs [--dir build/wasm/web] [--query ''] [--fashion /usr/share/datasets/fashion-mnist]
//                                   [--out DIR]
//
// Through the page's file input (the Real digits window's "Load images...", as a user picks
// files) and window.ganvas.loadData:
//   - refused, each with its message in the status line, the step, the data and the checkpoint
//     bytes kept: a text file, 32x32 IDX images, a truncated gzip (half of Fashion-MNIST's),
//     too few images; loadData rejects with the same message;
//   - Fashion-MNIST's test set, gzip as Debian's dataset-fashion-mnist ships it, images and labels
//     picked together: status().data says 10,000 labelled images with a new content hash, the
//     model starts afresh at step 0, the Real digits window's pixels change (a screenshot);
//   - trained there with a live setting changed mid-run, the page's checkpoint names the images
//     in its recipe (data = the hash), and `ganvas train --recipe <that recipe> --data <the same
//     file>` (the native CLI, build/native) gives the same checkpoint bytes; with the built-in
//     digits instead, the CLI refuses the recipe (other images).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PAGE_DIR, REPO, fail, openGanvas, parseArgs, runScript, waitForStatus as waitFor } from './harness.mjs';

const NAME = 'data_browser';
const USAGE = 'usage: node web/tests/data_browser.mjs [--dir DIR] [--query Q] [--fashion DIR] [--out DIR]';
const NATIVE_CLI = join(REPO, 'build', 'native', 'cli', 'ganvas');
const log = (m) => console.log(`${NAME}: ${m}`);

// An IDX image file: count images of rows x cols, every pixel `value`.
function idxImages(count, rows, cols, value = 7) {
  const b = Buffer.alloc(16 + count * rows * cols, value);
  b.writeUInt32BE(0x803, 0);
  b.writeUInt32BE(count, 4);
  b.writeUInt32BE(rows, 8);
  b.writeUInt32BE(cols, 12);
  return b;
}

await runScript(NAME, async () => {
  const o = parseArgs(process.argv.slice(2), { dir: DEFAULT_PAGE_DIR, query: '', fashion: '/usr/share/datasets/fashion-mnist',
    out: join(REPO, 'build', 'test-results') }, USAGE);
  const imagesGz = join(o.fashion, 't10k-images-idx3-ubyte.gz');
  const labelsGz = join(o.fashion, 't10k-labels-idx1-ubyte.gz');
  for (const f of [imagesGz, labelsGz])
    if (!existsSync(f)) fail(`${f} is missing: scripts/setup.sh installs Debian's dataset-fashion-mnist`);
  if (!existsSync(NATIVE_CLI)) fail(`${NATIVE_CLI} is missing: build the native tree first (cmake --build --preset native)`);
  const work = join(o.out, NAME);
  mkdirSync(work, { recursive: true });
  const files = {
    text: { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('these are not images\n') },
    big: { name: 'cifar-32x32-idx3-ubyte', mimeType: 'application/octet-stream', buffer: idxImages(100, 32, 32) },
    half: { name: 'half-images-idx3-ubyte.gz', mimeType: 'application/gzip',
      buffer: readFileSync(imagesGz).subarray(0, Math.floor(readFileSync(imagesGz).length / 2)) },
    few: { name: 'ten-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: idxImages(10, 28, 28) },
  };

  const session = await openGanvas({ dir: o.dir, query: o.query, log });
  try {
    const { page } = session;
    const status = () => page.evaluate(() => window.ganvas.status());
    const checkpointHash = () => page.evaluate(async () => {
      const bytes = await window.ganvas.saveCheckpoint();
      const digest = await crypto.subtle.digest('SHA-256', bytes);
      return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
    });
    const realPixels = async () => {
      const s = await status();
      const r = s.real_rect;
      if (!(r.width > 0)) fail(`the Real digits window drew no image: ${JSON.stringify(r)}`);
      return page.screenshot({ clip: { x: r.x, y: r.y, width: r.width, height: r.height } });
    };
    const pick = async (...chosen) => {
      // What "Load images..." opens: the hidden input; a user choosing files fires its 'change'.
      await page.setInputFiles('input.ganvas-data-input', chosen);
    };
    const messageAfter = async (before, what) => {
      await waitFor(page, (s) => s.message && s.message !== before, `${what}: no message in the status line`, 30000);
      return status();
    };

    const first = await status();
    if (first.data.name !== 'the built-in digits' || first.data.count !== 10000 || !/^[0-9a-f]{16}$/.test(first.data.hash))
      fail(`status().data at start: ${JSON.stringify(first.data)}`);
    await page.evaluate(() => window.ganvas.step(3));
    const kept = await checkpointHash();
    const digitsShot = await realPixels();

    // Refusals, picked as a user would: each says why and keeps everything.
    const refusals = [
      [files.text, 'Cannot train on notes.txt: '],
      [files.big, 'images are 32x32; Ganvas needs 28x28 images'],
      [files.half, 'is not a whole gzip stream'],
      [files.few, 'only 10 images; training needs at least one batch of 64'],
    ];
    for (const [file, needle] of refusals) {
      await page.evaluate(() => window.ganvas.showMessage('(cleared)'));
      await pick(file);
      const after = await messageAfter('(cleared)', file.name);
      if (!after.message.includes(needle) || !after.message_is_error || !after.message.includes('The current data and run are kept'))
        fail(`${file.name}: the status line says '${after.message}' (error ${after.message_is_error}), not '${needle}'`);
      if (after.step !== 3 || after.data.hash !== first.data.hash) fail(`${file.name} changed the run: ${JSON.stringify(after.data)} step ${after.step}`);
      if ((await checkpointHash()) !== kept) fail(`${file.name}: the checkpoint bytes changed`);
      // The API says the same.
      const rejected = await page.evaluate(async (bytes) => {
        try {
          await window.ganvas.loadData(new Uint8Array(bytes));
          return null;
        } catch (e) {
          return e.message;
        }
      }, Array.from(file.buffer.subarray(0, 200000)));
      if (rejected === null) fail(`${file.name}: loadData resolved`);
      log(`refused ${file.name}: ${after.message}`);
    }

    // Fashion-MNIST, images and labels picked together (gzip, as Debian ships them).
    const t0 = Date.now();
    await page.evaluate(() => window.ganvas.showMessage('(cleared)'));
    await pick(imagesGz, labelsGz);
    const loaded = await messageAfter('(cleared)', 'Fashion-MNIST');
    const loadMs = Date.now() - t0;
    if (loaded.message_is_error) fail(`Fashion-MNIST refused: ${loaded.message}`);
    const d = loaded.data;
    if (d.name !== 't10k-images-idx3-ubyte.gz' || d.count !== 10000 || !d.labels || d.hash === first.data.hash || loaded.step !== 0)
      fail(`after loading Fashion-MNIST: data ${JSON.stringify(d)}, step ${loaded.step}, message '${loaded.message}'`);
    log(`Fashion-MNIST loaded in ${loadMs} ms: ${loaded.message}`);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const fashionShot = await realPixels();
    if (Buffer.compare(digitsShot, fashionShot) === 0) fail('the Real digits window shows the same pixels after loading Fashion-MNIST');
    writeFileSync(join(work, 'fashion-real.png'), fashionShot);

    // Train there, a live setting changed mid-run; the checkpoint's recipe names the images.
    await page.evaluate(() => window.ganvas.step(4));
    await page.evaluate(() => window.ganvas.changeSetting('adam_g.lr', '0.0001'));
    await page.evaluate(() => window.ganvas.step(3));
    const bytes = Buffer.from(await page.evaluate(async () => Array.from(await window.ganvas.saveCheckpoint())));
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
    const recipe = JSON.parse(header.__metadata__.recipe);
    if (recipe.data !== d.hash) fail(`the checkpoint's recipe names data '${recipe.data}', not the images' ${d.hash}`);
    if (!recipe.timeline.some((c) => c.step === 4 && c.key === 'adam_g.lr')) fail(`the recipe's timeline: ${JSON.stringify(recipe.timeline)}`);
    const pageFile = join(work, 'page.safetensors');
    writeFileSync(pageFile, bytes);
    const recipeFile = join(work, 'recipe.json');
    writeFileSync(recipeFile, header.__metadata__.recipe);

    // The native CLI replays the recipe on the same file: the same bytes. On other images it refuses.
    const out = join(work, 'replay');
    execFileSync(NATIVE_CLI, ['train', '--recipe', recipeFile, '--data', imagesGz, '--steps', '7', '--threads', '1', '--out', out],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    const replay = readFileSync(join(out, 'checkpoint.safetensors'));
    if (Buffer.compare(replay, bytes) !== 0) fail(`ganvas train --recipe on ${imagesGz} gave other bytes than the page (${pageFile})`);
    let refusal = '';
    try {
      execFileSync(NATIVE_CLI, ['train', '--recipe', recipeFile, '--steps', '1', '--out', join(work, 'other')], { stdio: 'pipe' });
    } catch (e) {
      refusal = String(e.stderr);
    }
    if (!refusal.includes('the recipe was trained on other images')) fail(`the CLI did not refuse the recipe on the digits: '${refusal}'`);
    log(`ganvas train --recipe --data ${imagesGz}: the page's bytes; on the digits: refused`);
    session.checkPageErrors();
    console.log(`${NAME}: PASS (4 refusals kept the run; Fashion-MNIST: 10,000 labelled images in ${loadMs} ms, hash ${d.hash}, replayed natively bit for bit)`);
  } finally {
    await session.close();
  }
});
