#!/usr/bin/env bash
# Runs every libFuzzer target of the fuzz build for FUZZ_SECONDS each (make fuzz).
# usage: run-fuzzers.sh <fuzz build dir> [target...]   env: FUZZ_SECONDS (default 60), FUZZ_JOBS
# Corpora grow in <build>/corpus/<target> (the seeds under tests/ are only read), crashers land in
# <build>/artifacts/<target>/; the exit status is non-zero when any target found one.
set -uo pipefail
build=${1:?fuzz build dir}
shift
seconds=${FUZZ_SECONDS:-60}
manifest=$build/tests/fuzz/fuzzers.txt
symbolizer=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer
failed=()
while read -r name exe seeds; do
    [ -n "$name" ] || continue
    if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
    corpus=$build/corpus/$name
    artifacts=$build/artifacts/$name
    mkdir -p "$corpus" "$artifacts"
    echo "== $name: ${seconds}s"
    start=$(date +%s)
    # -timeout: one input taking over 10 s is a hang worth a fixture too.
    # shellcheck disable=SC2086
    "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" $seeds >"$build/$name.log" 2>&1
    rc=$?
    tail -n 12 "$build/$name.log" | grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' || true
    echo "   ran $(($(date +%s) - start)) s, exit $rc, log $build/$name.log"
    if [ $rc -ne 0 ]; then
        failed+=("$name")
        grep -E 'ERROR|SUMMARY|Test unit written|fuzz contract' "$build/$name.log" | head -n 5
    fi
done <"$manifest"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashers found by: ${failed[*]} (see $build/artifacts/)"
    exit 1
fi
echo "fuzz: no crasher"
