#!/usr/bin/env bash
# cbf against DuckDB on the peers' data, in one run: DuckDB's 10-feature subset (the peers' own
# harness, ../shared/bench/peers, CSV-loaded tables) and cbf's 30 features + diagnostics with text
# ids and with integer ids (cbf-peer-bench), on 1 and 2 threads, PROCS fresh processes of RUNS
# timed runs each; compute only, data in memory. Prints one table of medians.
#
#   benchmarks/peers_side_by_side.sh PEERS DATA TAG [PROCS=3] [RUNS=3]
#
# PEERS: a writable copy of ../shared/bench/peers with `npm install` done (node is then required;
# without node, DuckDB is skipped with a message). DATA: a directory from the peers' gen.py.
# CBF_BENCH: cbf-peer-bench (default build/gcc-release/benchmarks/cbf-peer-bench).
# Run nothing else meanwhile: the machine has two cores.
set -euo pipefail
peers=$1 data=$2 tag=$3 procs=${4:-3} runs=${5:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${CBF_BENCH:-$here/build/gcc-release/benchmarks/cbf-peer-bench}
out=$(mktemp "/tmp/cbf_side_by_side_${tag}.XXXXXX.jsonl")
have_node=1
command -v node >/dev/null || { echo "node not found: DuckDB skipped" >&2; have_node=0; }
for _ in $(seq 1 "$procs"); do
  for t in 1 2; do
    if ((have_node)); then
      (cd "$peers" && node bench_duckdb.js "$data" csv "$t" "$runs" "" det) >>"$out"
    fi
    "$bench" "$data" "$t" "$runs" >>"$out"
    "$bench" --int-ids "$data" "$t" "$runs" >>"$out"
  done
done
/usr/bin/python3 - "$out" "$tag" <<'EOF'
import json, statistics as st, sys
from collections import defaultdict
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith('{')]
g = defaultdict(list)
for r in rows:
    g[(r['engine'], r.get('variant', 'det'), r['threads'])].append(r)
duck = {t: st.median(x for r in g[('duckdb', 'det', t)] for x in r['compute_s'])
        for t in (1, 2) if g.get(('duckdb', 'det', t))}
print(f"\n{sys.argv[2]}: {rows[0]['rows']:,} records; medians of compute seconds\n")
print('| engine | ids | features | threads | compute s | M records/s | per core vs DuckDB | engine peak MB | input MB |')
print('|---|---|---|---|---|---|---|---|---|')
for (eng, var, t), rs in sorted(g.items(), key=lambda kv: (kv[0][2], kv[0][0] != 'duckdb', kv[0][1])):
    c = st.median(x for r in rs for x in r['compute_s'])
    n = rs[0]['rows']
    ids = 'integer' if var.endswith('int-ids') else ('BIGINT' if eng == 'duckdb' else 'text')
    feats = '10' if eng == 'duckdb' else '30 + diagnostics'
    vs = f"{duck[t] / c:.2f}x" if t in duck and eng != 'duckdb' else ''
    peak = rs[0].get('engine_peak_mb', '')
    inp = rs[0].get('input_mb', '')
    print(f'| {eng} | {ids} | {feats} | {t} | {c:.3f} | {n / c / 1e6:.1f} | {vs} | {peak} | {inp} |')
EOF
echo "raw results: $out" >&2
