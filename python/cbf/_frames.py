"""pandas in and out of cbf._cbf: the contract's columns (§1) checked and handed over as numpy
arrays, and the result assembled into DataFrames column by column."""
import datetime
import numbers
import time

import numpy as np
import pandas as pd

from . import _cbf

_cbf.set_missing_values(pd.NA, pd.NaT)

# The fields cbf reads, per table: (name, kind, required). Kinds: "id" (text or integers), "text",
# "time" (datetime64 or §5 text), "number" (numbers or §5 money text). Other columns (page_type,
# browser_type, tags, currency_code, locale, updated_at, ...) are ignored: no feature reads them.
TABLES = {
    "customers": (
        ("shop_id", "id", False), ("customer_id", "id", True), ("created_at", "time", False)),
    "interactions": (
        ("shop_id", "id", False), ("customer_id", "id", True), ("session_id", "id", False),
        ("event_type", "text", True), ("product_id", "id", False), ("category_id", "id", False),
        ("search_query", "text", False), ("view_duration", "number", False),
        ("device_type", "text", False), ("created_at", "time", True)),
    "sessions": (
        ("shop_id", "id", False), ("customer_id", "id", True), ("session_id", "id", True),
        ("start_time", "time", True), ("end_time", "time", False),
        ("device_type", "text", False), ("referrer_type", "text", False)),
    "attributions": (
        ("shop_id", "id", False), ("customer_id", "id", True), ("order_id", "id", True),
        ("session_id", "id", False), ("attribution_type", "text", False),
        ("attribution_value", "number", False), ("created_at", "time", True)),
}

# The stamps of the default as_of (contract §4.1).
STAMPS = {"interactions": "created_at", "sessions": "start_time", "attributions": "created_at"}

_EXPECTED = {
    "id": "an id column must hold text (object, string or category dtype) or integers; read "
          "ids with dtype=str, or convert a float column of ids with .astype('Int64')",
    "text": "a text column must have object, string or category dtype",
    "time": "a timestamp column must be datetime64 (naive = UTC, or tz-aware) or text in the "
            "contract's §5 grammar",
    "number": "a number column must be numeric or text in the contract's §5 money grammar",
}

_ASCII_SPACE = " \t\n\v\f\r"


def _is_text_dtype(dtype):
    return (pd.api.types.is_object_dtype(dtype)
            or isinstance(dtype, (pd.StringDtype, pd.CategoricalDtype)))


def _contiguous(values, dtype=None):
    return np.ascontiguousarray(values, dtype=dtype)


def _usable(kind, dtype):
    """Whether a column of `dtype` can be read as `kind` (text columns are checked cell by cell)."""
    if _is_text_dtype(dtype):
        return True
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if kind == "id":
        return pd.api.types.is_integer_dtype(dtype)
    if kind == "time":
        return pd.api.types.is_datetime64_any_dtype(dtype)
    if kind == "number":
        return pd.api.types.is_numeric_dtype(dtype)
    return False


def check_dtype(where, kind, dtype):
    """TypeError naming `where` unless `dtype` can be read as `kind`; float64 passes, as pandas
    gives it to a column whose cells are all missing."""
    if not _usable(kind, dtype) and not pd.api.types.is_float_dtype(dtype):
        raise TypeError(f"cbf: {where} has dtype {dtype}; {_EXPECTED[kind]}")


def column_spec(where, kind, series):
    """(kind, array, mask) of a column as cbf._cbf reads it, None when every cell is missing;
    TypeError naming `where` for a dtype cbf cannot read as `kind`."""
    dtype = series.dtype
    if not _usable(kind, dtype):
        if len(series) == 0 or series.isna().all():
            return None  # e.g. an empty CSV column, which pandas reads as float64 NaN
        raise TypeError(f"cbf: {where} has dtype {dtype}; {_EXPECTED[kind]}")
    if len(series) == 0:
        return None
    if _is_text_dtype(dtype):
        return ("text", _contiguous(series.to_numpy(dtype=object), object), None)
    if kind == "id":
        unsigned = pd.api.types.is_unsigned_integer_dtype(dtype)
        target = np.uint64 if unsigned else np.int64
        mask = None
        if isinstance(dtype, pd.api.extensions.ExtensionDtype):  # nullable Int64, UInt32, ...
            mask = _contiguous(series.isna().to_numpy(dtype=bool), bool)
            values = series.to_numpy(dtype=target, na_value=0)
        else:
            values = series.to_numpy(dtype=target)
        return ("uint" if unsigned else "int", _contiguous(values, target), mask)
    if kind == "time":
        values = series.array  # DatetimeArray: naive (read as UTC) or tz-aware
        if getattr(values, "unit", "ns") != "ns":
            values = values.as_unit("ns")
        return ("datetime", _contiguous(values.asi8, np.int64), None)  # UTC ns, NaT = min
    return ("float", _contiguous(series.to_numpy(dtype=np.float64, na_value=np.nan), np.float64),
            None)


def column_positions(df):
    """{name: position}: names as the reference host reads a header, trimmed of ASCII
    whitespace, the first of a repeated name winning."""
    position = {}
    for i, name in enumerate(df.columns):
        if isinstance(name, str):
            position.setdefault(name.strip(_ASCII_SPACE), i)
    return position


def check_columns(table, df):
    """ValueError naming the table and the first required column `df` lacks (contract §1)."""
    position = column_positions(df)
    for field, _, required in TABLES[table]:
        if required and field not in position:
            raise ValueError(f"cbf: {table} has no column '{field}', which the contract "
                             "requires (§1)")
    return position


def prepare_table(table, df, fields=None):
    """(rows, {field: spec}) of an input DataFrame, or None. Column names are read as the
    reference host reads a header: trimmed of ASCII whitespace, the first of a repeated name wins.
    A DataFrame without columns is no records (as a file without a header)."""
    if df is None:
        return None
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"cbf: {table} must be a pandas DataFrame, not {type(df).__name__}")
    if len(df.columns) == 0 and len(df) == 0:
        return None
    position = check_columns(table, df)
    columns = {}
    for field, kind, _ in TABLES[table]:
        if field not in position:
            continue
        if fields is not None and field not in fields:
            continue
        spec = column_spec(f"{table}.{field}", kind, df.iloc[:, position[field]])
        if spec is not None:
            columns[field] = spec
    return (len(df), columns)


def as_of_microseconds(as_of):
    """as_of as µs since the epoch: §5 text, or a datetime / pandas Timestamp / numpy datetime64
    (naive = UTC)."""
    if as_of is None:
        return None
    if isinstance(as_of, str):
        us = _cbf.parse_timestamp(as_of)
        if us is None:
            raise ValueError(f"cbf: as_of '{as_of}' is not a valid timestamp (contract §5)")
        return us
    if not isinstance(as_of, (datetime.date, np.datetime64)):
        raise TypeError("cbf: as_of must be a datetime, a pandas Timestamp or §5 text, not "
                        f"{type(as_of).__name__}")
    ts = pd.Timestamp(as_of)
    if ts is pd.NaT:
        raise ValueError("cbf: as_of is NaT")
    ts = ts.tz_localize("UTC") if ts.tz is None else ts.tz_convert("UTC")
    return ts.value // 1000


def options(as_of, utc_offset, preset, bgnbd, gg, threads):
    """The checked keyword arguments of compute_features, as cbf._cbf.compute takes them."""
    def integer(name, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"cbf: {name} must be an integer, not {type(value).__name__}")
        return int(value)

    def parameters(name, value, names):
        if value is None:
            return None
        try:
            values = [float(x) for x in value]
        except (TypeError, ValueError):
            raise TypeError(f"cbf: {name} must be a tuple of numbers ({names})") from None
        if len(values) != len(names.split(",")):
            raise ValueError(f"cbf: {name} must be ({names}), got {len(values)} numbers")
        return values

    if not isinstance(preset, str):
        raise TypeError("cbf: preset must be 'default' or 'shopify'")
    threads = integer("threads", threads)
    if threads < 0:
        raise ValueError("cbf: threads must be 0 (all hardware threads) or more")
    return dict(as_of_us=as_of_microseconds(as_of), utc_offset=integer("utc_offset", utc_offset),
                preset=preset, bgnbd=parameters("bgnbd", bgnbd, "r, alpha, a, b"),
                gg=parameters("gg", gg, "p, q, gamma"), threads=threads)


def features_frame(result):
    """The features DataFrame of a cbf._cbf.compute result."""
    data = {}
    for name, kind, values, mask in result["columns"]:
        if kind == "Int64":
            data[name] = pd.arrays.IntegerArray(values, mask)
        elif kind == "text":
            data[name] = np.array(values, dtype=object) if values else np.empty(0, dtype=object)
        else:
            data[name] = values
    rows = len(data["customer_id"])
    data["as_of"] = np.full(rows, result["as_of"], dtype=object)
    return pd.DataFrame(data)


def diagnostics_frame(result):
    """record_kind, counter, value: the 48 counters in contract §5 order."""
    frame = pd.DataFrame(result["diagnostics"], columns=["record_kind", "counter", "value"])
    return frame.astype({"value": np.int64})


def compute_prepared(tables, kwargs):
    """(features, diagnostics, timings) of prepared tables (customers, interactions, sessions,
    attributions) and checked options."""
    result = _cbf.compute(*tables, **kwargs)
    computed = time.perf_counter()
    features = features_frame(result)
    diagnostics = diagnostics_frame(result)
    timings = dict(result["timings"])
    timings["frame"] = time.perf_counter() - computed
    return features, diagnostics, timings


def run(interactions, sessions, attributions, customers, as_of, utc_offset, preset, bgnbd, gg,
        threads):
    """(features, diagnostics, timings): the whole of compute_features, timed by phase."""
    start = time.perf_counter()
    kwargs = options(as_of, utc_offset, preset, bgnbd, gg, threads)
    tables = [prepare_table("customers", customers),
              prepare_table("interactions", interactions),
              prepare_table("sessions", sessions),
              prepare_table("attributions", attributions)]
    prepared = time.perf_counter()
    features, diagnostics, timings = compute_prepared(tables, kwargs)
    timings["prepare"] = prepared - start
    timings["total"] = time.perf_counter() - start
    return features, diagnostics, timings
