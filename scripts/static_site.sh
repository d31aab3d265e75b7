#!/usr/bin/env bash
# static_site.sh - the playground as a folder any static file server can host (issue 11 item 6).
#
#   scripts/static_site.sh [OUT]      (default build/static)
#
# Builds the page as scripts/serve.sh does (installing what it needs), then copies what the page
# loads into OUT, with index.html as the entry. No special headers are needed: a server that sends
# none (python3 -m http.server, GitHub Pages, an S3 bucket) is not cross-origin isolated, so the
# page runs its one-thread build (ganvas_st). A host that can send headers gets the threaded build
# too by sending, for every file, the two headers in OUT/_headers (the format Netlify and
# Cloudflare Pages read; web/serve.mjs sends the same). The precompressed .br/.gz siblings are left
# out: static hosts compress on their own, or serve the files as they are (about 10 MB then).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
out="${1:-build/static}"
export NODE_PATH=/usr/share/nodejs  # Emscripten 3.1.6 needs Debian's acorn (README, Building by hand)

scripts/setup.sh wasm
echo "[static] building the web page (build/wasm)"
cmake --preset wasm >/dev/null
cmake --build --preset wasm --target ganvas_page

web=build/wasm/web
files=(ganvas.html ganvas.css ganvas_api.js ganvas_files.js ganvas_links.js ganvas_bench.js ganvas_data.js kept_run.js ganvas_boot.js
       ganvas_st.js ganvas_st.wasm ganvas_st.data
       ganvas_mt.js ganvas_mt.wasm ganvas_mt.worker.js
       classifier.safetensors shipped-generator.safetensors shipped-generator.json)
rm -rf "$out"
mkdir -p "$out"
for f in "${files[@]}"; do
  if [[ -f $web/$f ]]; then
    cp "$web/$f" "$out/$f"
  elif [[ $f == shipped-generator.* ]]; then
    echo "[static] note: $f is not built; the Digit window's 'Explore the shipped generator' will say so" >&2
  else
    echo "[static] $web/$f is missing: the build did not make the page" >&2
    exit 1
  fi
done
cp "$out/ganvas.html" "$out/index.html"
cat >"$out/_headers" <<'EOF'
/*
  Cross-Origin-Opener-Policy: same-origin
  Cross-Origin-Embedder-Policy: require-corp
EOF
echo "[static] $out: $(find "$out" -type f | wc -l) files, $(du -sh "$out" | cut -f1); host it with any static server, e.g."
echo "  python3 -m http.server --directory $out 8000   (then open http://127.0.0.1:8000/)"
