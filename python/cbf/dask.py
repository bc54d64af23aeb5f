"""cbf on Dask: the features of a data set too large for one process (docs/python.md).

Every table is partitioned by `cbf.shard_of(shop_id, customer_id, n)`, so each customer's records
meet in one partition, and each partition is computed by `cbf.compute_features` on a worker. The
default `as_of` is the contract's, the latest valid stamp of the whole data set, computed once
across all partitions. Collected and sorted by key, the result equals `cbf.compute_features`.
"""
import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from . import _cbf
from . import _frames
from . import shard_of

__all__ = ["compute_features"]

_SHARD = "_cbf_shard"
_ROW = "_cbf_row"
_ROW_BITS = 40  # a partition's rows are numbered below 2**40, after its partition number
_ORDER = ("customers", "interactions", "sessions", "attributions")


def compute_features(interactions=None, sessions=None, attributions=None, customers=None, *,
                     as_of=None, utc_offset=0, preset="default", bgnbd=None, gg=None, threads=0,
                     return_diagnostics=False, npartitions=None):
    """cbf.compute_features on dask (or pandas) DataFrames, as a dask DataFrame.

    The arguments are cbf.compute_features'; `npartitions` (an addition) is the number of
    shards, by default the largest npartitions of the inputs. With `return_diagnostics=True`, the
    pair (features, diagnostics), both dask DataFrames; the diagnostics are the sum over the
    partitions, which equals the single-process diagnostics. Missing required columns
    (ValueError) and unusable dtypes (TypeError) are reported here, from the inputs' meta; a
    column of float64 dtype is checked in each partition (pandas gives it to all-missing ones).
    """
    kwargs = _frames.options(as_of, utc_offset, preset, bgnbd, gg, threads)
    # The empty result: the output's meta, and every option checked by the library itself.
    empty, empty_diagnostics, _ = _frames.compute_prepared(
        [None] * 4, dict(kwargs, as_of_us=kwargs["as_of_us"] or 0))
    given = dict(zip(_ORDER, (customers, interactions, sessions, attributions)))
    frames = {}
    for table, df in given.items():
        if df is None:
            continue
        if isinstance(df, pd.DataFrame):
            if len(df.columns) == 0 and len(df) == 0:
                continue  # no records, as cbf.compute_features reads it
            df = dd.from_pandas(df, npartitions=npartitions or 1, sort=False)
        elif not isinstance(df, dd.DataFrame):
            raise TypeError(f"cbf: {table} must be a dask or pandas DataFrame, not "
                            f"{type(df).__name__}")
        position = _frames.check_columns(table, df._meta)
        for field, kind, _ in _frames.TABLES[table]:
            if field in position:
                _frames.check_dtype(f"{table}.{field}", kind, df._meta.iloc[:, position[field]].dtype)
        frames[table] = df
    if npartitions is None:
        npartitions = max([df.npartitions for df in frames.values()], default=1)
    if isinstance(npartitions, bool) or not isinstance(npartitions, (int, np.integer)) \
            or npartitions < 1:
        raise ValueError("cbf: npartitions must be a positive integer")
    npartitions = int(npartitions)

    # The contract's default as_of: once, over every partition of the inputs (contract §4.1).
    if kwargs["as_of_us"] is None:
        latest = [dask.delayed(_latest_stamp)(table, part)
                  for table in _frames.STAMPS if table in frames
                  for part in frames[table].to_delayed()]
        as_of_us = dask.delayed(_latest)(latest)
    else:
        as_of_us = kwargs["as_of_us"]

    parts = {table: _by_shard(table, df, npartitions).to_delayed()
             for table, df in frames.items()}
    results = [dask.delayed(_compute_partition)(
        *[parts[table][k] if table in parts else None for table in _ORDER], as_of_us, kwargs)
        for k in range(npartitions)]

    features = dd.from_delayed([r[0] for r in results], meta=empty, verify_meta=False)
    if not return_diagnostics:
        return features
    total = dask.delayed(_sum_diagnostics)([r[1] for r in results])
    diagnostics = dd.from_delayed([total], meta=empty_diagnostics, verify_meta=False)
    return features, diagnostics


def _latest_stamp(table, part):
    """The latest valid stamp (µs) of one partition of a table, or None."""
    prepared = _frames.prepare_table(table, part, fields={_frames.STAMPS[table]})
    tables = {t: prepared if t == table else None for t in _frames.STAMPS}
    return _cbf.latest_stamp(tables["interactions"], tables["sessions"], tables["attributions"])


def _latest(stamps):
    stamps = [s for s in stamps if s is not None]
    if not stamps:
        raise ValueError("cbf: no record has a valid timestamp to take as_of from; pass as_of")
    return max(stamps)


def _with_shard(part, table, npartitions, partition_info=None):
    """The partition with its rows' shard and their place in the input (partition, row)."""
    number = partition_info["number"] if partition_info else 0
    position = _frames.column_positions(part)
    shop = part.iloc[:, position["shop_id"]] if "shop_id" in position else None
    customer = part.iloc[:, position["customer_id"]]
    shards = shard_of(shop, customer, npartitions).astype(np.int64)
    rows = (np.int64(number) << _ROW_BITS) + np.arange(len(part), dtype=np.int64)
    return part.assign(**{_SHARD: shards, _ROW: rows})


def _by_shard(table, df, npartitions):
    """The table repartitioned so that partition k holds exactly the rows of shard k."""
    meta = df._meta.assign(**{_SHARD: np.int64(0), _ROW: np.int64(0)}).iloc[:0]
    tagged = df.map_partitions(_with_shard, table, npartitions, meta=meta)
    divisions = list(range(npartitions)) + [npartitions - 1]
    return tagged.set_index(_SHARD, divisions=divisions)


def _restore(part):
    """A shard's rows in input order (contract: input order breaks ties), without the tags."""
    if part is None:
        return None
    part = part.sort_values(_ROW, kind="stable")
    return part.drop(columns=[_ROW]).reset_index(drop=True)


def _compute_partition(customers, interactions, sessions, attributions, as_of_us, kwargs):
    tables = [_frames.prepare_table(table, _restore(part)) for table, part in
              zip(_ORDER, (customers, interactions, sessions, attributions))]
    features, diagnostics, _ = _frames.compute_prepared(tables, dict(kwargs, as_of_us=as_of_us))
    return features, diagnostics


def _sum_diagnostics(frames):
    total = frames[0].copy()
    total["value"] = np.sum([f["value"].to_numpy() for f in frames], axis=0).astype(np.int64)
    return total
