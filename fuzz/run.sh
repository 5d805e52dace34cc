#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time from its seeds.
#   fuzz/run.sh BUILD_DIR SECONDS CORPUS_DIR [TARGET...]
# BUILD_DIR is the fuzz preset's build (build/fuzz). New inputs are kept in
# CORPUS_DIR/<target> (reused by the next run); a crash, leak, UB or oracle
# failure leaves its input in CORPUS_DIR/artifacts/ and fails the run.
set -euo pipefail

build=$1
seconds=$2
corpus=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json proto proto_framed compressed roundtrip)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$corpus/artifacts"
failed=()
for t in "${targets[@]}"; do
    bin=$build/fuzz/bin/fuzz_$t
    [ -x "$bin" ] || { echo "fuzz: no $bin (build the fuzz preset)" >&2; exit 2; }
    mkdir -p "$corpus/$t"
    extra=()
    case $t in json | roundtrip) extra+=(-dict="$here/otlp_json.dict") ;; esac
    log=$corpus/$t.log
    rc=0
    # -rss_limit_mb: every load is bounded well below it (fuzz/fuzzing.h);
    # -timeout: one input may not take seconds.
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$corpus/artifacts/$t-" "${extra[@]}" \
        "$corpus/$t" "$build/fuzz/seeds/$t" >"$log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ "$rc" -eq 0 ]; then
        echo "fuzz_$t: ${runs:-?} runs in ${seconds} s, ${cov:-cov: ?}, no crash"
    else
        echo "fuzz_$t: FAILED (exit $rc) after ${runs:-?} runs; log: $log" >&2
        grep -E -A40 'ERROR: |runtime error|round-trip violated|Test unit written' "$log" | head -80 >&2
        failed+=("$t")
    fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: failures in ${failed[*]}" >&2; exit 1; }
