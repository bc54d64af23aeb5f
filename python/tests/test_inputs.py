"""The input dtypes compute_features accepts give the same rows as the reference text; empty
inputs; the output's dtypes; shard_of."""
import datetime

import numpy as np
import pandas as pd
import pytest

import cbf
from conftest import SAMPLE_DATA, read_tables

AS_OF = "2025-07-01T00:00:00Z"


@pytest.fixture(scope="module")
def text_tables():
    return read_tables(SAMPLE_DATA)


@pytest.fixture(scope="module")
def text_result(text_tables):
    return cbf.compute_features(**text_tables, as_of=AS_OF, return_diagnostics=True)


def assert_frames_equal(a, b):
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_output_columns_and_dtypes(text_result):
    features, diagnostics = text_result
    assert list(features.columns) == ["shop_id", "customer_id", *cbf.FEATURES, "as_of"]
    assert len(cbf.FEATURES) == 30
    dtypes = features.dtypes
    assert dtypes["total_purchases"] == np.int64 and dtypes["total_sessions"] == np.int64
    assert str(dtypes["preferred_shopping_time"]) == "Int64"
    assert str(dtypes["shopping_day_preference"]) == "Int64"
    for label in ("shop_id", "customer_id", "product_discovery_method", "preferred_device",
                  "channel_preference", "customer_segment", "as_of"):
        assert dtypes[label] == object
    assert dtypes["avg_purchase_value"] == np.float64
    assert (features["as_of"] == AS_OF).all()
    assert isinstance(features.index, pd.RangeIndex)
    keys = list(zip(features["shop_id"], features["customer_id"]))
    assert keys == sorted(keys, key=lambda k: (k[0].encode(), k[1].encode()))
    assert len(diagnostics) == 48


def test_as_of_as_datetime_timestamp_or_text_is_the_same(text_tables, text_result):
    for as_of in (datetime.datetime(2025, 7, 1), pd.Timestamp("2025-07-01T02:00:00+02:00"),
                  datetime.datetime(2025, 7, 1, tzinfo=datetime.timezone.utc),
                  np.datetime64("2025-07-01T00:00:00")):
        assert_frames_equal(cbf.compute_features(**text_tables, as_of=as_of), text_result[0])


def typed(tables):
    """The sample tables with datetime64 stamps (tz-aware or naive), numeric money and view
    durations, category event types and string-dtype ids: what a pandas pipeline would hold."""
    out = {}
    for name, df in tables.items():
        df = df.copy()
        for col in ("created_at", "start_time", "end_time"):
            if col in df:
                # §5 text → instants, via the library's own parser, so the values are the same.
                us = [cbf._cbf.parse_timestamp(x) if x.strip() else None for x in df[col]]
                if any(u is None and x.strip() for u, x in zip(us, df[col])):
                    continue  # a bad stamp stays text, so it is still counted
                stamps = pd.to_datetime([u for u in us], unit="us", utc=True)
                df[col] = stamps if col != "end_time" else stamps.tz_localize(None)
        for col in ("attribution_value", "view_duration"):
            if col in df:
                values = pd.to_numeric(df[col].str.strip().replace("", np.nan), errors="coerce")
                if values.isna().sum() == (df[col].str.strip() == "").sum():
                    df[col] = values  # only when no cell is bad money
        if "event_type" in df:
            df["event_type"] = df["event_type"].astype("category")
        if "customer_id" in df:
            df["customer_id"] = df["customer_id"].astype("string")
        out[name] = df
    return out


def test_typed_columns_give_the_text_result(text_tables, text_result):
    typed_tables = typed(text_tables)
    assert any(pd.api.types.is_datetime64_any_dtype(df[c]) for df in typed_tables.values()
               for c in df.columns)
    features, diagnostics = cbf.compute_features(**typed_tables, as_of=AS_OF,
                                                 return_diagnostics=True)
    assert_frames_equal(features, text_result[0])
    assert_frames_equal(diagnostics, text_result[1])


def small_tables(ids):
    interactions = pd.DataFrame({
        "shop_id": ids([1, 1, 2, None]),
        "customer_id": ids([10, 9, 10, 10]),
        "session_id": ids([100, 101, 102, 103]),
        "event_type": ["page_viewed", "product_viewed", "search", "page_view"],
        "created_at": ["2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z", "2025-01-03T10:00:00Z",
                       "2025-01-04T10:00:00Z"],
        "search_query": [None, np.nan, "Shoes ", pd.NA],
        "view_duration": [5, np.nan, 2.5, None],
    })
    attributions = pd.DataFrame({
        "customer_id": ids([10, 9]), "order_id": ids([7, 8]),
        "attribution_value": [12.5, 3], "created_at": ["2025-01-03T10:00:00Z", "1735812000"],
    })
    return dict(interactions=interactions, attributions=attributions)


def test_integer_ids_mean_their_decimal_text():
    as_text = cbf.compute_features(
        **small_tables(lambda v: [None if x is None else str(x) for x in v]),
        return_diagnostics=True)
    as_ints = cbf.compute_features(**small_tables(lambda v: pd.array(v, dtype="Int64")),
                                   return_diagnostics=True)
    mixed = cbf.compute_features(**small_tables(lambda v: pd.Series(v, dtype=object)),
                                 return_diagnostics=True)
    for other in (as_ints, mixed):
        assert_frames_equal(other[0], as_text[0])
        assert_frames_equal(other[1], as_text[1])
    # Keys are ordered by their text, as compute_batch orders them: "10" before "9".
    assert as_text[0]["customer_id"].tolist() == ["10", "9", "10", "9", "10"]
    assert as_text[0]["shop_id"].tolist() == ["", "", "1", "1", "2"]


def test_uint64_ids_and_plain_int_columns():
    df = pd.DataFrame({"customer_id": np.array([2**64 - 1, 5], dtype=np.uint64),
                       "order_id": np.array([1, -2], dtype=np.int32),
                       "created_at": pd.to_datetime(["2025-01-01", "2025-01-02"])})
    features = cbf.compute_features(attributions=df)
    assert features["customer_id"].tolist() == ["18446744073709551615", "5"]


def test_naive_datetimes_are_utc_and_aware_ones_are_converted():
    base = pd.DataFrame({"customer_id": ["a", "a"], "event_type": ["page_view", "search"]})
    naive = base.assign(created_at=pd.to_datetime(["2025-03-01 09:00", "2025-03-01 09:20"]))
    aware = base.assign(created_at=pd.to_datetime(["2025-03-01 09:00", "2025-03-01 09:20"])
                        .tz_localize("UTC").tz_convert("America/New_York"))
    text = base.assign(created_at=["2025-03-01T04:00:00-05:00", "2025-03-01 09:20"])
    results = [cbf.compute_features(interactions=x, utc_offset=60) for x in (naive, aware, text)]
    for r in results[1:]:
        assert_frames_equal(r, results[0])
    assert results[0]["preferred_shopping_time"].tolist() == [10]
    assert results[0]["as_of"].tolist() == ["2025-03-01T09:20:00Z"]


def test_nat_and_missing_cells_are_missing():
    df = pd.DataFrame({"customer_id": ["a", "a", "b"], "event_type": ["search"] * 3,
                       "created_at": pd.to_datetime(["2025-01-01", None, "2025-01-02"])})
    _, diagnostics = cbf.compute_features(interactions=df, return_diagnostics=True)
    counts = diagnostics.set_index(["record_kind", "counter"])["value"]
    assert counts[("interaction", "used")] == 2
    assert counts[("interaction", "missing_field")] == 1


def test_empty_inputs():
    empty = cbf.compute_features(as_of=AS_OF)
    assert list(empty.columns) == ["shop_id", "customer_id", *cbf.FEATURES, "as_of"]
    assert len(empty) == 0
    assert str(empty.dtypes["preferred_shopping_time"]) == "Int64"
    assert empty.dtypes["total_purchases"] == np.int64
    frames = dict(interactions=pd.DataFrame(columns=["customer_id", "event_type", "created_at"]),
                  sessions=pd.DataFrame(columns=["customer_id", "session_id", "start_time"]),
                  attributions=pd.DataFrame({"customer_id": [], "order_id": [],
                                             "created_at": []}),
                  customers=pd.DataFrame())
    result, diagnostics = cbf.compute_features(**frames, as_of=AS_OF, return_diagnostics=True)
    assert_frames_equal(result, empty)
    assert (diagnostics["value"] == 0).all()
    with pytest.raises(ValueError, match="as_of"):
        cbf.compute_features(**frames)


def test_all_missing_float_columns_are_missing_text():
    # pandas.read_csv without dtype=str reads an empty column as float64 NaN.
    df = pd.DataFrame({"customer_id": ["a"], "event_type": ["search"],
                       "created_at": ["2025-01-01"], "search_query": [np.nan],
                       "session_id": [np.nan]})
    features = cbf.compute_features(interactions=df)
    assert features["search_query_diversity"].isna().all()


def test_threads_do_not_change_the_result(text_tables, text_result):
    for threads in (1, 2, 3):
        assert_frames_equal(cbf.compute_features(**text_tables, as_of=AS_OF, threads=threads),
                            text_result[0])


def test_shard_of_is_the_librarys_stable_shard():
    shops = pd.Series(["", " ", "s1", None, "s1"])
    customers = pd.Series(["c1", "c1", "c2", "c1", "42"])
    shards = cbf.shard_of(shops, customers, 7)
    assert shards.dtype == np.uint32 and len(shards) == 5
    assert shards[0] == shards[1] == shards[3]  # blank and missing shops are the empty shop
    assert (shards < 7).all()
    ints = cbf.shard_of(np.array([0, 0]), np.array([42, 42], dtype=np.int64), 7)
    assert ints[0] == cbf.shard_of(["0"], ["42"], 7)[0]
    assert cbf.shard_of(None, customers, 7)[0] == shards[0]
    assert (cbf.shard_of(shops, customers, 1) == 0).all()
    # FNV-1a 64 of shop_id, a 0x00 byte and customer_id, modulo count (docs/batch.md).
    for shop, customer in (("", ""), ("s1", "c2"), ("shöp", "ünï")):
        h = 0xcbf29ce484222325
        for byte in shop.encode() + b"\0" + customer.encode():
            h = ((h ^ byte) * 0x100000001b3) % 2**64
        assert cbf.shard_of([shop], [customer], 1000)[0] == h % 1000
    with pytest.raises(ValueError):
        cbf.shard_of(shops, customers, 0)
    with pytest.raises(ValueError):
        cbf.shard_of(shops[:2], customers, 3)


def test_the_gil_is_released_while_computing(text_tables):
    import threading
    import time
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    big = {k: (pd.concat([v] * 40, ignore_index=True) if v is not None else None)
           for k, v in text_tables.items()}
    thread = threading.Thread(target=tick)
    thread.start()
    try:
        start = time.perf_counter()
        _, _, timings = cbf._frames.run(big["interactions"], big["sessions"],
                                        big["attributions"], big["customers"], AS_OF, 0,
                                        "default", None, None, 1)
    finally:
        done.set()
        thread.join()
    compute_start = start + timings["prepare"] + timings["convert"]
    during = [t for t in ticks if compute_start < t < compute_start + timings["compute"]]
    if timings["compute"] > 0.05:
        assert len(during) >= 2, "another thread made no progress while computing"
