#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ in build/fuzz (clang++, ASan + UBSan) and runs each for
# SECONDS (default 60) on a copy of its seed corpus in the build directory, after replaying the
# inputs of fuzz/findings/TARGET/ that once broke an invariant. Exits non-zero on any
# finding, printing the file that reproduces it: `build/fuzz/fuzz/TARGET FILE` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "usage: $0 [SECONDS]   (each target runs SECONDS seconds; default 60)" >&2
  exit 2
fi

build=build/fuzz
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCBF_BUILD_FUZZERS=ON \
  -DCBF_BUILD_TESTS=OFF -DCBF_BUILD_BENCHMARKS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCBF_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target fuzz_batch fuzz_csv_tables fuzz_parse fuzz_models

# Each target with the longest input worth trying: a batch of 64 records, a CSV file of a few
# dozen rows, one cell, a few dozen model numbers.
declare -A max_len=([fuzz_batch]=2048 [fuzz_csv_tables]=8192 [fuzz_parse]=256 [fuzz_models]=512)
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1

failed=()
for target in fuzz_batch fuzz_csv_tables fuzz_parse fuzz_models; do
  corpus=$build/corpus/$target
  artifacts=$build/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  # The repo's seeds are only read: new inputs go to the build directory's copy.
  cp -n fuzz/corpus/$target/* "$corpus"/
  dict=()
  [[ -f fuzz/$target.dict ]] && dict=(-dict="fuzz/$target.dict")
  # Inputs that once broke an invariant run first, once each: a fixed finding stays fixed.
  if [[ -d fuzz/findings/$target ]]; then
    echo "=== $target: replaying fuzz/findings/$target"
    if ! "$build/fuzz/$target" fuzz/findings/$target/* >"$build/$target.log" 2>&1; then
      failed+=("$target")
      continue
    fi
  fi
  echo "=== $target: ${seconds}s"
  if ! "$build/fuzz/$target" "$corpus" "${dict[@]}" -max_total_time="$seconds" \
    -max_len="${max_len[$target]}" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 2>"$build/$target.log"; then
    failed+=("$target")
  fi
  grep -E '(INITED|DONE) +cov:' "$build/$target.log" | tail -1 || true
done

if ((${#failed[@]})); then
  for target in "${failed[@]}"; do
    echo "=== FINDING in $target (log: $build/$target.log)" >&2
    grep -E 'invariant broken|runtime error|ERROR: (AddressSanitizer|libFuzzer)' \
      "$build/$target.log" | head -5 >&2 || true
    grep -E 'Test unit written to' "$build/$target.log" >&2 || true
  done
  exit 1
fi
echo "=== no finding"
