#!/usr/bin/env bash
# From a fresh Debian 12 machine: installs the dependencies, builds the cbf-features host and runs
# it on the bundled sample data. The feature table goes to build/quickstart/customer_behavior_features.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

cmake -S . -B build/quickstart -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCBF_BUILD_TESTS=OFF -DCBF_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build/quickstart --target cbf-features

out=build/quickstart
build/quickstart/examples/cbf-features examples/sample-data --as-of 2025-06-30T23:59:59Z \
  --output "$out/customer_behavior_features.csv" --diagnostics "$out/diagnostics.csv"

rows=$(($(wc -l < "$out/customer_behavior_features.csv") - 1))
echo
echo "Wrote $rows customers to $out/customer_behavior_features.csv (diagnostics: $out/diagnostics.csv)."
echo "First rows:"
head -n 4 "$out/customer_behavior_features.csv" | cut -c 1-160
