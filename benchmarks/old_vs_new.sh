#!/usr/bin/env bash
# Two builds of cbf-peer-bench against each other and DuckDB, in one run, one thread: for each of
# PROCS rounds, DuckDB's 10-feature subset (the peers' harness), then OLD and NEW with text ids
# and with integer ids, RUNS runs each. Prints medians of every run but each process's first.
#
#   benchmarks/old_vs_new.sh PEERS DATA OLD NEW [PROCS=3] [RUNS=5]
#
# PEERS: a writable copy of ../shared/bench/peers with `npm install` done. DATA: a directory from
# the peers' gen.py. OLD, NEW: cbf-peer-bench binaries (build one from a `git worktree` of the
# older commit). Run nothing else meanwhile: the machine has two cores.
set -euo pipefail
peers=$1 data=$2 old=$3 new=$4 procs=${5:-3} runs=${6:-5}
out=$(mktemp /tmp/cbf_old_vs_new.XXXXXX.jsonl)
for _ in $(seq 1 "$procs"); do
  (cd "$peers" && node bench_duckdb.js "$data" csv 1 "$runs" "" det) | sed 's/^/duckdb /' >>"$out"
  for which in old new; do
    bin=$old
    [ "$which" = new ] && bin=$new
    "$bin" "$data" 1 "$runs" | sed "s/^/$which-text /" >>"$out"
    "$bin" --int-ids "$data" 1 "$runs" | sed "s/^/$which-integer /" >>"$out"
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics as st, sys
from collections import defaultdict
runs = defaultdict(list)
for line in open(sys.argv[1]):
    tag, _, js = line.partition(' ')
    if js.strip().startswith('{'):
        runs[tag] += json.loads(js)['compute_s'][1:]
duck = st.median(runs['duckdb'])
print('| engine | compute s | per core vs DuckDB |\n|---|---|---|')
for tag, v in runs.items():
    m = st.median(v)
    print(f'| {tag} | {m:.3f} | {"" if tag == "duckdb" else f"{duck / m:.2f}x"} |')
PY
echo "raw results: $out" >&2
