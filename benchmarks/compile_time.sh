#!/usr/bin/env bash
# Compile time of a service file that uses cbf, against a baseline file that includes fmt and the
# standard headers it uses (issue 18: target ≤ 3× the baseline). Each file is compiled RUNS times
# at -O2 with -std=c++20, one at a time; prints the median seconds of each and the ratios.
#
#   benchmarks/compile_time.sh [RUNS=5] [CXX=g++]
# Run nothing else meanwhile: the machine has two cores.
set -euo pipefail
runs=${1:-5}
cxx=${2:-g++}
here=$(cd "$(dirname "$0")" && pwd)
include=$(cd "$here/../include" && pwd)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_file() {
  for _ in $(seq 1 "$runs"); do
    local start=$EPOCHREALTIME
    "$cxx" -std=c++20 -O2 -I"$include" -c "$here/compile_time/$1" -o /dev/null
    awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}'
  done | median
}
base=$(time_file baseline_fmt.cpp)
printf '| file | what it does | %s -O2, median of %s | × baseline |\n|---|---|---|---|\n' "$cxx" "$runs"
printf '| baseline_fmt.cpp | `<fmt/format.h>`, vector, string, optional, chrono | %.2f s | 1.0 |\n' "$base"
for f in batch_user.cpp calculator_user.cpp; do
  t=$(time_file "$f")
  what=$([ "$f" = batch_user.cpp ] && echo '`<cbf/cbf.hpp>`, one `compute_batch`' || echo '`<cbf/calculator.hpp>`, one `Calculator::compute`')
  printf '| %s | %s | %.2f s | %.1f |\n' "$f" "$what" "$t" "$(awk -v t="$t" -v b="$base" 'BEGIN {print t / b}')"
done
