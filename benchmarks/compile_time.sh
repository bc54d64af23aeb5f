#!/usr/bin/env bash
# Compile time of service files that use cbf, against a baseline file that includes fmt and the
# standard headers it uses (issue 18: target ≤ 3× the baseline). Each service file is compiled
# header-only (the default) and as a file linking cbf::compiled would be (-DCBF_COMPILED_LIB: the
# engine is compiled once in the library). Each compile runs RUNS times at -O2 with -std=c++20,
# one at a time; prints the median seconds and the ratios.
#
#   benchmarks/compile_time.sh [RUNS=5] [CXX=g++]
# Run nothing else meanwhile: the machine has two cores.
set -euo pipefail
runs=${1:-5}
cxx=${2:-g++}
here=$(cd "$(dirname "$0")" && pwd)
include=$(cd "$here/../include" && pwd)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_file() {  # FILE [FLAGS...]
  local file=$1
  shift
  for _ in $(seq 1 "$runs"); do
    local start=$EPOCHREALTIME
    "$cxx" -std=c++20 -O2 "$@" -I"$include" -c "$here/compile_time/$file" -o /dev/null
    awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}'
  done | median
}
base=$(time_file baseline_fmt.cpp)
printf '| file | what it does | mode | %s -O2, median of %s | × baseline |\n|---|---|---|---|---|\n' "$cxx" "$runs"
printf '| baseline_fmt.cpp | `<fmt/format.h>`, vector, string, optional, chrono | | %.2f s | 1.0 |\n' "$base"
describe() {
  case $1 in
    batch_user.cpp) echo '`<cbf/cbf.hpp>`, one `compute_batch` over its own interactions' ;;
    batch_all_kinds_user.cpp) echo '`<cbf/cbf.hpp>`, one `compute_batch` over its own four record kinds' ;;
    calculator_user.cpp) echo '`<cbf/calculator.hpp>`, one `Calculator::compute`' ;;
  esac
}
for f in batch_user.cpp batch_all_kinds_user.cpp calculator_user.cpp; do
  for mode in header-only compiled; do
    if [ "$mode" = compiled ]; then t=$(time_file "$f" -DCBF_COMPILED_LIB); else t=$(time_file "$f"); fi
    printf '| %s | %s | %s | %.2f s | %.1f |\n' "$f" "$(describe "$f")" "$mode" "$t" \
      "$(awk -v t="$t" -v b="$base" 'BEGIN {print t / b}')"
  done
done
