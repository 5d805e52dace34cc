#!/usr/bin/env bash
# Causeway developer entry point.
#   ./dev.sh run    install what is missing, build, open the GUI on the bundled sample
#   ./dev.sh test   install what is missing, build, run every test (CTest)
#   ./dev.sh build  install what is missing and build
#   ./dev.sh deps   only install the Debian packages
#   ./dev.sh asan   build the core with ASan+UBSan and run the core tests
#   ./dev.sh bench  build and run the benchmarks
#   ./dev.sh fuzz [SECONDS [TARGET...]]  build the libFuzzer targets (clang) and
#                   run each for SECONDS (default 300), keeping the corpus
#   ./dev.sh package  build the Debian package (build/release/causeway_*.deb)
set -euo pipefail
cd "$(dirname "$0")"

PRESET=${PRESET:-release}
BUILD_DIR=build/$PRESET

# Debian 12 packages the build, the tests and the GUI need.
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev qt6-httpserver-dev qt6-websockets-dev
  libqt6svg6 qt6-qpa-plugins libxkbcommon-dev
  libgraphviz-dev graphviz
  libsimdjson-dev nlohmann-json3-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  libzstd-dev zlib1g-dev libxxhash-dev
  libcurl4-openssl-dev qtkeychain-qt6-dev
  xvfb xauth fonts-dejavu-core
  # the package test: validators, MIME lookup, compressed test files
  dpkg-dev desktop-file-utils appstream shared-mime-info libglib2.0-bin zstd
  # the fuzz targets (libFuzzer, ASan, UBSan)
  clang-14 libclang-rt-14-dev
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # Node.js and npm (the sample generator and the live-receiver test's real
  # client): any install will do; Debian's packages only where there is none,
  # as they conflict with other distributions of Node.js that bundle npm.
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -eq 0 ]; then
    return
  fi
  log "installing ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "dev.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

njobs() { nproc 2>/dev/null || echo 2; }

build() {
  local preset=${1:-$PRESET}
  log "configuring ($preset)"
  cmake --preset "$preset" >/dev/null
  log "building ($preset)"
  cmake --build --preset "$preset" -j "$(njobs)"
}

run_gui() {
  local bin=build/$PRESET/bin/causeway
  local files=("$@")
  [ ${#files[@]} -gt 0 ] || files=(resources/samples/*.jsonl)
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    log "no display: starting the GUI under Xvfb (screenshots via xwd, or set DISPLAY)"
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$bin" "${files[@]}"
  fi
  exec "$bin" "${files[@]}"
}

cmd=${1:-help}
shift || true
case "$cmd" in
  deps) install_deps ;;
  build) install_deps; build ;;
  run) install_deps; build; run_gui "$@" ;;
  test)
    install_deps
    build
    log "running tests"
    ctest --preset "$PRESET" -j "$(njobs)" "$@"
    ;;
  asan)
    install_deps
    build asan
    ctest --preset asan -j "$(njobs)" "$@"
    ;;
  fuzz)
    # Longer runs than CI's: SECONDS per target; the corpus grows across runs
    # in $FUZZ_CORPUS (default build/fuzz/corpus), crash inputs in its artifacts/.
    install_deps
    seconds=${1:-300}
    shift || true
    build fuzz
    fuzz/run.sh build/fuzz "$seconds" "${FUZZ_CORPUS:-build/fuzz/corpus}" "$@"
    ;;
  package)
    install_deps
    build
    (cd "$BUILD_DIR" && cpack -G DEB)
    ls "$BUILD_DIR"/causeway_*.deb
    ;;
  bench)
    install_deps
    build
    for b in build/$PRESET/bench/bench_*; do [ -x "$b" ] && "$b"; done
    ;;
  *)
    sed -n '2,/^[^#]/p' "$0" | sed -n 's/^# \{0,1\}//p'
    [ "$cmd" = help ] || exit 2
    ;;
esac
