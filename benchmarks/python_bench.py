#!/usr/bin/python3
"""The Python package on the peers' data set (../shared/bench/peers/gen.py): what the conversion
from pandas adds to compute_batch's time, and Dask worker processes against one process.

    PYTHONPATH=<build>/python /usr/bin/python3 benchmarks/python_bench.py convert /tmp/peers20k
    PYTHONPATH=<build>/python /usr/bin/python3 benchmarks/python_bench.py dask /tmp/peers100k

`convert` loads the three CSV files into pandas DataFrames (integer ids as pandas reads them, or
text ids with --ids str; epoch-second stamps as datetime64), then times cbf.compute_features by
phase, RUNS times: prepare (the dtype checks and numpy arrays, in Python), convert (the arrays
into cbf's compact columns, C++), compute (cbf::compute_batch, the GIL released), output (the
result's columns, C++) and frame (the DataFrames). It prints one JSON line per run and the
medians, with conversion = prepare + convert as a share of compute (target: at most 50 %).

`dask` times the features of the data set from its CSV files, end to end, in one process
(pandas.read_csv, then cbf.compute_features on THREADS threads) and on a LocalCluster of WORKERS
processes with one thread each (dask.dataframe.read_csv in the workers, cbf.dask.compute_features,
collected), and checks that both give the same rows.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import pandas as pd

import cbf

RENAME = {
    "interactions.csv": ("interactions", {"ts": "created_at"}),
    "sessions.csv": ("sessions", {"start_ts": "start_time", "end_ts": "end_time"}),
    "attributions.csv": ("attributions", {"ts": "created_at", "revenue": "attribution_value"}),
}
ID_COLUMNS = ("customer_id", "session_id", "order_id", "product_id", "category_id")
TIME_COLUMNS = ("created_at", "start_time", "end_time")


def to_contract(df, file, ids):
    """A peers' table with the contract's column names, datetime64 stamps and, with ids="str",
    text ids."""
    df = df.rename(columns=RENAME[file][1])
    for col in TIME_COLUMNS:
        if col in df:
            df[col] = pd.to_datetime(df[col], unit="s")
    if ids == "str":
        for col in ID_COLUMNS:
            if col in df:
                df[col] = df[col].astype(str)
    return df


def load(directory, ids):
    tables = {}
    for file, (table, _) in RENAME.items():
        tables[table] = to_contract(pd.read_csv(os.path.join(directory, file)), file, ids)
    return tables


def convert(args):
    start = time.perf_counter()
    tables = load(args.dir, args.ids)
    records = sum(len(t) for t in tables.values())
    print(f"loaded {records} records into pandas in {time.perf_counter() - start:.2f} s",
          file=sys.stderr)
    runs = []
    for _ in range(args.runs):
        features, _, t = cbf._frames.run(tables["interactions"], tables["sessions"],
                                         tables["attributions"], None, None, 0, "default", None,
                                         None, args.threads)
        t = {k: round(v, 4) for k, v in t.items()}
        t["conversion_share"] = round((t["prepare"] + t["convert"]) / t["compute"], 3)
        t.update(records=records, customers=len(features), threads=args.threads, ids=args.ids)
        print(json.dumps(t))
        runs.append(t)
    median = {k: statistics.median(r[k] for r in runs)
              for k in ("prepare", "convert", "compute", "output", "frame", "total",
                        "conversion_share")}
    print("median: " + json.dumps({k: round(v, 4) for k, v in median.items()}))


def dask_run(args):
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import cbf.dask

    def one_process():
        start = time.perf_counter()
        tables = load(args.dir, "int")
        loaded = time.perf_counter()
        features = cbf.compute_features(**tables, threads=args.threads)
        done = time.perf_counter()
        return features, loaded - start, done - loaded

    def on_dask(client):
        start = time.perf_counter()
        tables = {}
        for file, (table, _) in RENAME.items():
            raw = dd.read_csv(os.path.join(args.dir, file), blocksize=args.blocksize)
            meta = to_contract(raw._meta, file, "int")
            tables[table] = raw.map_partitions(to_contract, file, "int", meta=meta)
        features = cbf.dask.compute_features(**tables, threads=1,
                                             npartitions=args.partitions or None)
        result = client.compute(features).result()
        return result, time.perf_counter() - start

    single, read, compute = one_process()
    print(json.dumps(dict(mode="one process", threads=args.threads, read_s=round(read, 3),
                          compute_s=round(compute, 3), total_s=round(read + compute, 3),
                          customers=len(single))))
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    client = Client(cluster)
    try:
        for _ in range(args.runs):
            result, total = on_dask(client)
            print(json.dumps(dict(mode="dask", workers=args.workers, total_s=round(total, 3),
                                  customers=len(result))))
        result = result.sort_values(["shop_id", "customer_id"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(result, single, check_exact=True)
        print("dask result equals the single-process result", file=sys.stderr)
    finally:
        client.close()
        cluster.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("convert", help="conversion time against compute_batch's")
    c.add_argument("dir")
    c.add_argument("--runs", type=int, default=3)
    c.add_argument("--threads", type=int, default=1)
    c.add_argument("--ids", choices=["int", "str"], default="int")
    d = sub.add_parser("dask", help="Dask worker processes against one process")
    d.add_argument("dir")
    d.add_argument("--runs", type=int, default=1)
    d.add_argument("--workers", type=int, default=2)
    d.add_argument("--threads", type=int, default=2, help="threads of the one process")
    d.add_argument("--blocksize", default="64MB")
    d.add_argument("--partitions", type=int, default=0, help="shards (default: the inputs')")
    args = parser.parse_args()
    convert(args) if args.command == "convert" else dask_run(args)


if __name__ == "__main__":
    main()
