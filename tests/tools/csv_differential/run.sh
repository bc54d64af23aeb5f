#!/usr/bin/env bash
# Differential test of examples/common/csv_reader.cpp against the libcsv-based reader it replaced
# (the version of commit af7600d, taken from git): needs libcsv-dev, which the project itself no
# longer uses. Not part of CI (the fuzz target fuzz_csv_tables checks the reader against an
# independent model there); run it after changing the reader:
#   bash tests/tools/csv_differential/run.sh [ITERATIONS=100000] [SEEDS=8]
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/cbf_csv_differential.XXXXXX)
trap 'rm -rf "$work"' EXIT
git -C "$root" show af7600d:examples/common/csv_reader.cpp |
  sed 's/namespace cbf::host/namespace old_host/; s|#include "common/csv_reader.hpp"|#include "old_csv_reader.hpp"|' >"$work/old_csv_reader.cpp"
git -C "$root" show af7600d:examples/common/csv_reader.hpp | sed 's/namespace cbf::host/namespace old_host/' >"$work/old_csv_reader.hpp"
here=$(dirname "$0")
for test in random_small large; do
  g++ -std=c++20 -O1 -g -fsanitize=address,undefined -I"$work" -I"$here" -I"$root/examples" -I"$root/include" \
    "$here/$test.cpp" "$work/old_csv_reader.cpp" "$root/examples/common/csv_reader.cpp" -lcsv -o "$work/$test"
done
for seed in $(seq 1 "${2:-8}"); do "$work/random_small" "${1:-100000}" "$seed" | tail -1; done
"$work/large" 1 | tail -3
