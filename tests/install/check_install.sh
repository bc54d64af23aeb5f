#!/usr/bin/env bash
# Uses cbf from a separate project twice, header-only and through cbf::compiled: installed from a build tree into a temporary prefix and
# found with find_package(cbf CONFIG REQUIRED), then added with add_subdirectory. Each build is
# run and must print the features.
set -euo pipefail
build_dir=$1
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags="-Wall -Wextra -Wpedantic -Werror"
# The consumer is built as cbf was: the same compiler, and its sanitizers, which cbf::compiled's
# static library was instrumented with.
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"; }
compiler=$(cache CMAKE_CXX_COMPILER)
sanitizers=$(cache CBF_SANITIZERS)
if [ -n "$sanitizers" ]; then flags="$flags -fsanitize=$sanitizers"; fi

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$here/consumer" -B "$work/installed" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$work/installed" >/dev/null
"$work/installed/consumer"
"$work/installed/consumer_compiled"

cmake -S "$here/consumer" -B "$work/subdirectory" -G Ninja -DCBF_SOURCE_DIR="$source_dir" \
  -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$work/subdirectory" >/dev/null
"$work/subdirectory/consumer"
"$work/subdirectory/consumer_compiled"
