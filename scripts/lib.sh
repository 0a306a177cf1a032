# Shared by scripts/run and scripts/test: find or install every tool the build needs.
# Everything comes from a package registry: Debian (apt), crates.io (cargo install), npm,
# and rustup's own channel for the wasm32 standard library. Each step is skipped when the
# right version is already there, so a warm machine does nothing here.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# The cargo target dir lives outside the checkout so a fresh clone builds warm.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sanzhi-target}
# Tools installed by these scripts, per version, so several checkouts can share them.
TOOLS=${SANZHI_TOOLS_DIR:-$HOME/.cache/sanzhi-tools}
# No incremental caches: they are not reused by these scripts and take gigabytes.
export CARGO_INCREMENTAL=0
mkdir -p "$CARGO_TARGET_DIR"
# Test and server executables of earlier builds pile up in deps/ (hundreds of MB each);
# those untouched for a day are dropped (cargo rebuilds one if it is needed again).
find "$CARGO_TARGET_DIR"/debug/deps "$CARGO_TARGET_DIR"/release/deps -maxdepth 1 -type f \
  -perm -u+x ! -name '*.so' -mmin +1440 -delete 2>/dev/null || true
# A full run needs ~20 GB of build output. A CI run once died with "No space left on device"
# in a warm target dir: when the disk is short, the caches (these target dirs are only caches)
# go first, stalest first, and a cold build follows rather than a failed one.
SANZHI_MIN_FREE_GB=${SANZHI_MIN_FREE_GB:-20}
free_gb() { df -Pk "$CARGO_TARGET_DIR" | awk 'NR == 2 { print int($4 / 1048576) }'; }
if [ "$(free_gb)" -lt "$SANZHI_MIN_FREE_GB" ]; then
  printf '\033[1;33m==>\033[0m only %s GB free on the disk of %s (want %s): clearing build caches\n' \
    "$(free_gb)" "$CARGO_TARGET_DIR" "$SANZHI_MIN_FREE_GB" >&2
  for stale in "$CARGO_TARGET_DIR"/debug/incremental "$CARGO_TARGET_DIR"/*/debug/incremental \
    "${SANZHI_FUZZ_TARGET_DIR:-$HOME/.cache/sanzhi-fuzz-target}" "$CARGO_TARGET_DIR"/debug \
    "$CARGO_TARGET_DIR"; do
    [ "$(free_gb)" -lt "$SANZHI_MIN_FREE_GB" ] || break
    [ -e "$stale" ] || continue
    echo "    removing $stale ($(du -sh "$stale" 2>/dev/null | cut -f1))" >&2
    rm -rf "$stale"
  done
  mkdir -p "$CARGO_TARGET_DIR"
  echo "    $(free_gb) GB free now" >&2
fi
# Newer crates may need a newer rustc than the machine's: fall back to compatible versions.
export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_ensure CMD-OR-PATH PACKAGE...: install the packages when the command/path is missing.
APT_UPDATED=
apt_ensure() {
  local probe=$1; shift
  if command -v "$probe" >/dev/null 2>&1 || [ -e "$probe" ]; then return 0; fi
  say "installing Debian packages: $* (network: Debian mirror)"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_build_tools() {
  apt_ensure cc build-essential
  apt_ensure npm nodejs npm
  # A Chinese font: the server draws the 通报's charts into its .docx (and Chromium's pages).
  apt_ensure /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc fonts-wqy-zenhei

  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target (network: rustup channel)"
    rustup target add wasm32-unknown-unknown
  fi

  local leptos_bin="$TOOLS/cargo-leptos-$CARGO_LEPTOS_VERSION/bin"
  export PATH="$leptos_bin:$PATH"
  if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (network: crates.io; ~18 min cold)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --root "$TOOLS/cargo-leptos-$CARGO_LEPTOS_VERSION"
  fi

  # cargo-leptos downloads wasm-bindgen from outside the registries unless one of exactly
  # the lockfile's version is on PATH.
  local wb_bin="$TOOLS/wasm-bindgen-$WASM_BINDGEN_VERSION/bin"
  export PATH="$wb_bin:$PATH"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (network: crates.io; ~7 min cold)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$TOOLS/wasm-bindgen-$WASM_BINDGEN_VERSION"
  fi

  # wasm-opt from npm's binaryen (pinned in tools/package-lock.json); Debian's is too old.
  if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
    say "installing binaryen (wasm-opt) from npm (network: npm registry)"
    npm ci --prefix tools --no-audit --no-fund --silent
  fi
  export PATH="$ROOT/tools/node_modules/.bin:$PATH"
}

# cargo-fuzz (crates.io). It drives rustc with nightly-only flags; RUSTC_BOOTSTRAP lets the
# machine's stable rustc accept them (no other toolchain can be fetched here).
CARGO_FUZZ_VERSION=0.13.2
ensure_fuzz_tools() {
  local fuzz_bin="$TOOLS/cargo-fuzz-$CARGO_FUZZ_VERSION/bin"
  export PATH="$fuzz_bin:$PATH"
  if ! cargo fuzz --version 2>/dev/null | grep -q " $CARGO_FUZZ_VERSION\$"; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (network: crates.io)"
    env -u CARGO_TARGET_DIR cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root "$TOOLS/cargo-fuzz-$CARGO_FUZZ_VERSION"
  fi
  export RUSTC_BOOTSTRAP=1
}

ensure_browser_tools() {
  apt_ensure /usr/bin/chromium chromium
  # The allocation-table export is checked by converting it with LibreOffice.
  apt_ensure libreoffice --no-install-recommends libreoffice-calc
  # … and the closed month's 通报 (.docx) by opening it in LibreOffice Writer.
  apt_ensure /usr/lib/libreoffice/program/libswlo.so --no-install-recommends libreoffice-writer
  # … and its PDF (A4 landscape, page count, no text cut off) read back with poppler.
  apt_ensure pdftotext poppler-utils
  if [ ! -d end2end/node_modules/playwright-core ]; then
    say "installing playwright-core (network: npm registry; no browser download)"
    npm ci --prefix end2end --no-audit --no-fund --silent
  fi
}

build_release() {
  say "building the release server and the optimised wasm bundle"
  cargo leptos build --release --split
  # ./scripts/sanzhi runs this binary from any shell, whatever CARGO_TARGET_DIR was here.
  mkdir -p target
  printf '%s\n' "$SANZHI_BIN" > target/sanzhi-bin
}

# The release binary cargo-leptos built.
SANZHI_BIN="$(cd "$CARGO_TARGET_DIR" && pwd)/release/sanzhi"
