#!/usr/bin/env node
// precompress.mjs - writes FILE.br (Brotli, quality 11) and FILE.gz (gzip -9) beside each FILE,
// for web/serve.mjs to send to browsers that accept them (Content-Encoding), and for any static
// host that serves precompressed siblings.
//
//   node web/precompress.mjs FILE...
//
// Run by web/CMakeLists.txt after each link of the page. Brotli at quality 11 takes about 20 s
// for the 8 MB .data here, so a file whose bytes did not change since its last compression (its
// SHA-256 is kept in FILE.br.sha256) is skipped: a relink that rewrites the same bytes costs
// nothing. What it saves, measured on the page's first view (web/tests/first_view_browser.mjs):
//   ganvas_st.data   8,193,164 bytes -> 1,502,185 (br), 1,798,967 (gz)
//   ganvas_st.wasm   1,479,498 bytes ->   407,515 (br),   527,184 (gz)
// Uses Node's own zlib (no npm dependency).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

function compress(file) {
  const bytes = readFileSync(file);
  const digest = createHash('sha256').update(bytes).digest('hex');
  const stamp = `${file}.br.sha256`;
  if (existsSync(`${file}.br`) && existsSync(`${file}.gz`) && existsSync(stamp) &&
      readFileSync(stamp, 'utf8').trim() === digest) {
    // Newer than FILE again: serve.mjs sends a sibling only when it is not older than FILE.
    const now = new Date();
    for (const suffix of ['.br', '.gz']) utimesSync(`${file}${suffix}`, now, now);
    return `${file}: unchanged`;
  }
  const br = brotliCompressSync(bytes, { params: {
    [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
    [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,  // 24: browsers decode it
    [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
  } });
  const gz = gzipSync(bytes, { level: 9 });
  // Written under temporary names, then renamed: a server never sends half a file.
  for (const [suffix, data] of [['.br', br], ['.gz', gz]]) {
    writeFileSync(`${file}${suffix}.tmp`, data);
    renameSync(`${file}${suffix}.tmp`, `${file}${suffix}`);
  }
  writeFileSync(stamp, digest + '\n');
  return `${file}: ${bytes.length} -> ${br.length} (br), ${gz.length} (gz)`;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node web/precompress.mjs FILE...');
  process.exit(2);
}
for (const file of files) {
  try {
    console.log(`precompress: ${compress(file)}`);
  } catch (err) {
    console.error(`precompress: ${file}: ${err.message}`);
    process.exit(1);
  }
}
