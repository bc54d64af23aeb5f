#!/usr/bin/env bash
# The main job against DuckDB's load, in one run (issue 17): on a cbf-sample shop of CUSTOMERS
# customers (seed 3), medians of RUNS runs of each:
#   - DuckDB loading the four CSV files (types inferred, timestamps parsed), 1 and 2 threads;
#   - cbf-features end to end (read + compute + write), 1 and 2 threads, with its time split;
#   - cbf-db on the same shop in SQLite, 1 and 2 threads, with its wall-clock and processor splits.
#   benchmarks/main_job_vs_duckdb.sh [CUSTOMERS=50000] [RUNS=3] [PEERS=/tmp/peers]
# PEERS: a copy of ../shared/bench/peers with `npm install` done; without node or it, DuckDB is
# skipped with a message. Run nothing else meanwhile: the machine has two cores.
set -euo pipefail
customers=${1:-50000} runs=${2:-3} peers=${3:-/tmp/peers}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CBF_BIN:-$root/build/gcc-release/examples}
work=$(mktemp -d /tmp/cbf_main_job.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$bin/cbf-sample" --customers "$customers" --seed 3 --output "csv:$work/shop" -q
"$bin/cbf-sample" --customers "$customers" --seed 3 --output "sqlite:$work/shop.db" -q
echo "shop: $customers customers, $(du -sm "$work/shop" | cut -f1) MB of CSV"

if command -v node >/dev/null && [ -d "$peers/node_modules/@duckdb" ]; then
  for t in 1 2; do
    NODE_PATH="$peers/node_modules" node "$root/benchmarks/duckdb_load.js" "$work/shop" "$t" "$runs" |
      sed 's/^/duckdb load: /'
  done
else
  echo "DuckDB skipped: node or $peers/node_modules/@duckdb missing" >&2
fi
for t in 1 2; do
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %M" "$bin/cbf-features" "$work/shop" -j "$t" -o "$work/f.csv" -v \
      2>&1 >/dev/null | awk '/time split/ {split_line=$0} /^[0-9.]+ [0-9]+$/ {print $1, $2, split_line}'
  done | sort -n |
    awk -v t="$t" '{rows[NR]=$0} END {print "cbf-features -j" t " (median of " NR "): " rows[int((NR+1)/2)] " (s, peak KB, split)"}'
done
# The copy is flushed to disk first: else the run's first fsync writes the whole copied file
# and counts it as the run's write time.
for t in 1 2; do
  for _ in $(seq 1 "$runs"); do
    cp "$work/shop.db" "$work/run.db" && sync "$work/run.db"
    /usr/bin/time -f "%e %U %S %M" "$bin/cbf-db" "sqlite:$work/run.db" -j "$t" \
      --as-of 2025-07-01T00:00:00Z -v 2>&1 >/dev/null |
      awk '/time split/ {split_line=$0} /cpu split/ {cpu_line=$0}
           /^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$/ {print $1, $2 + $3, $4, split_line, cpu_line}'
  done | sort -n | awk -v t="$t" '{rows[NR]=$0} END {print "cbf-db sqlite -j" t " (median of " NR "): " rows[int((NR+1)/2)] " (s wall, s cpu, peak KB, splits)"}'
done
