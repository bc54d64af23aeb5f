#!/usr/bin/env bash
# Runs every test of cbf on a fresh Debian 12 machine: installs the dependencies, then builds and
# tests with g++ (optimised), clang++ (debug) and clang++ with AddressSanitizer +
# UndefinedBehaviorSanitizer, all with -Wall -Wextra -Wpedantic -Werror; then the parallel batch
# engine's and the hosts' tests under ThreadSanitizer (the tsan preset's filter); then the Python
# package (python/, optimised, the same warnings) and its pytest suite; then each fuzz
# target of fuzz/ for CBF_FUZZ_SECONDS (default 60) seconds, after replaying its past findings.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

jobs=$(nproc)
for preset in gcc-release clang-debug asan-ubsan tsan; do
  echo "=== $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
done

# Debian's Python has pandas and dask; another python3 may come first on PATH.
echo "=== python"
cmake -S . -B build/python -G Ninja -DCMAKE_BUILD_TYPE=Release -DCBF_BUILD_PYTHON=ON \
  -DPython3_EXECUTABLE=/usr/bin/python3 -DCBF_WARNINGS_AS_ERRORS=ON -DCBF_BUILD_TESTS=OFF \
  -DCBF_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build/python -j "$jobs" --target cbf_python cbf-features
ctest --test-dir build/python -R '^python:' --output-on-failure

echo "=== fuzzers"
bash scripts/run-fuzzers.sh "${CBF_FUZZ_SECONDS:-60}"
