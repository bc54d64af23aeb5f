"""cbf: customer behaviour features, the C++ library's own code from pandas (docs/python.md).

    import cbf
    features = cbf.compute_features(interactions=events, sessions=sessions,
                                    attributions=orders, customers=customers,
                                    as_of="2025-07-01T00:00:00Z")

The same headers a C++ service calls per request compute these rows, bit for bit; `cbf.dask`
computes them on a Dask cluster.
"""
import numpy as np
import pandas as pd

from . import _cbf
from . import _frames

__all__ = ["compute_features", "shard_of", "FEATURES"]

#: The 30 features, in contract order (the columns between customer_id and as_of).
FEATURES = tuple(_cbf.feature_names())


def compute_features(interactions=None, sessions=None, attributions=None, customers=None, *,
                     as_of=None, utc_offset=0, preset="default", bgnbd=None, gg=None, threads=0,
                     return_diagnostics=False):
    """The features of every (shop_id, customer_id) found in any input table.

    Inputs are pandas DataFrames with the contract's column names (docs/python.md): ids as text
    or integers; timestamps as datetime64 (naive = UTC, or tz-aware) or §5 text; money and view
    durations as numbers or §5 text; None, NaN and blank text are missing. `as_of` is a datetime,
    a pandas Timestamp or §5 text (default: the latest stamp of the data, contract §4.1);
    `utc_offset` in minutes; `preset` "default" or "shopify"; `bgnbd=(r, alpha, a, b)` and
    `gg=(p, q, gamma)` in weeks; `threads` 0 = all hardware threads (the result does not depend
    on it).

    Returns a DataFrame with shop_id, customer_id, the 30 features and as_of, one row per key in
    key order, as cbf-features writes its table (nulls missing, counts integers, labels text);
    with `return_diagnostics=True`, the pair (features, diagnostics), the latter with the columns
    record_kind, counter, value. Raises ValueError for a missing required column or an unusable
    option, TypeError for a column of an unusable dtype, before anything is computed.
    """
    features, diagnostics, _ = _frames.run(interactions, sessions, attributions, customers,
                                           as_of, utc_offset, preset, bgnbd, gg, threads)
    return (features, diagnostics) if return_diagnostics else features


def shard_of(shop_ids, customer_ids, count):
    """The library's stable shard (0 .. count-1) of each key, as a numpy uint32 array: FNV-1a of
    the ids' text (integers: their decimal text; blank or missing: empty), the same in every
    process and version, so records of one customer land in one shard whatever table they are in.
    `shop_ids` may be None (no shops)."""
    customers = customer_ids if isinstance(customer_ids, pd.Series) else pd.Series(customer_ids)
    rows = len(customers)
    if shop_ids is None:
        shops = None
    else:
        shops = shop_ids if isinstance(shop_ids, pd.Series) else pd.Series(shop_ids)
        if len(shops) != rows:
            raise ValueError(f"cbf: shard_of: {len(shops)} shop_ids but {rows} customer_ids")
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)):
        raise TypeError("cbf: shard_of: count must be an integer")
    shop_spec = None if shops is None else _frames.column_spec("shop_ids", "id", shops)
    customer_spec = _frames.column_spec("customer_ids", "id", customers)
    return _cbf.shard_of(rows, shop_spec, customer_spec, int(count))
