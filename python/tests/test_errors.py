"""Bad inputs fail before anything is computed, with the table and column named."""
import datetime

import numpy as np
import pandas as pd
import pytest

import cbf

AS_OF = "2025-07-01T00:00:00Z"


def interactions(**columns):
    base = {"customer_id": ["a", "b"], "event_type": ["search", "page_view"],
            "created_at": ["2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"]}
    base.update(columns)
    return pd.DataFrame({k: v for k, v in base.items() if v is not None})


@pytest.mark.parametrize("table,frame,column", [
    ("interactions", interactions(event_type=None), "event_type"),
    ("interactions", interactions(created_at=None), "created_at"),
    ("sessions", pd.DataFrame({"customer_id": ["a"], "start_time": ["2025-01-01"]}),
     "session_id"),
    ("attributions", pd.DataFrame({"customer_id": ["a"], "created_at": ["2025-01-01"]}),
     "order_id"),
    ("customers", pd.DataFrame({"shop_id": ["s"]}), "customer_id"),
])
def test_a_missing_required_column_is_a_value_error_naming_table_and_column(table, frame, column):
    with pytest.raises(ValueError, match=f"{table} has no column '{column}'"):
        cbf.compute_features(**{table: frame}, as_of=AS_OF)


def test_column_names_are_trimmed_and_the_first_repeat_wins():
    df = interactions().rename(columns={"event_type": " event_type\t"})
    df["event_type "] = ["junk", "junk"]  # a repeat, after the first: ignored
    good = cbf.compute_features(interactions=interactions(), as_of=AS_OF)
    pd.testing.assert_frame_equal(cbf.compute_features(interactions=df, as_of=AS_OF), good)


@pytest.mark.parametrize("column,values,message", [
    ("customer_id", [1.5, 2.0], "interactions.customer_id has dtype float64"),
    ("event_type", [1, 2], "interactions.event_type has dtype int64"),
    ("created_at", [1735689600, 1735776000], "interactions.created_at has dtype int64"),
    ("created_at", [True, False], "interactions.created_at has dtype bool"),
    ("view_duration", pd.to_datetime(["2025-01-01", "2025-01-02"]),
     "interactions.view_duration has dtype datetime64"),
    ("session_id", pd.to_timedelta([1, 2], unit="s"), "interactions.session_id has dtype"),
])
def test_an_unusable_dtype_is_a_type_error_naming_the_column(column, values, message):
    with pytest.raises(TypeError, match=message):
        cbf.compute_features(interactions=interactions(**{column: values}), as_of=AS_OF)


@pytest.mark.parametrize("column,values", [
    ("event_type", ["search", 3]),
    ("customer_id", ["a", 2.5]),
    ("created_at", ["2025-01-01", datetime.date(2025, 1, 2)]),
    ("view_duration", ["1", b"2"]),
])
def test_an_unusable_cell_in_a_text_column_is_a_type_error_naming_row_and_column(column, values):
    with pytest.raises(TypeError, match=f"interactions.{column}: row 1 holds a"):
        cbf.compute_features(interactions=interactions(**{column: values}), as_of=AS_OF)


def test_a_non_dataframe_table_is_a_type_error():
    with pytest.raises(TypeError, match="interactions must be a pandas DataFrame"):
        cbf.compute_features(interactions={"customer_id": ["a"]})


@pytest.mark.parametrize("options,error,message", [
    (dict(as_of="yesterday"), ValueError, "as_of 'yesterday' is not a valid timestamp"),
    (dict(as_of=12), TypeError, "as_of must be"),
    (dict(as_of=pd.NaT), ValueError, "as_of is NaT"),
    (dict(preset="magento"), ValueError, "preset must be 'default' or 'shopify'"),
    (dict(utc_offset=1440), ValueError, "utc_offset"),
    (dict(utc_offset=1.5), TypeError, "utc_offset must be an integer"),
    (dict(threads=-1), ValueError, "threads"),
    (dict(bgnbd=(1, 2, 3)), ValueError, r"bgnbd must be \(r, alpha, a, b\)"),
    (dict(bgnbd=(1, 2, 1, 3)), ValueError, "bg_nbd"),
    (dict(bgnbd="abc"), TypeError, "bgnbd must be a tuple of numbers"),
    (dict(gg=(6.25, 3.74, 15.44)), ValueError, "pass bgnbd as well"),
    (dict(bgnbd=(0.243, 4.414, 0.793, 2.426), gg=(0, 1, 1)), ValueError, "gamma_gamma"),
])
def test_unusable_options_are_reported(options, error, message):
    with pytest.raises(error, match=message):
        cbf.compute_features(interactions=interactions(), **options)


def test_no_valid_stamp_and_no_as_of_is_a_value_error():
    df = interactions(created_at=["garbage", None])
    with pytest.raises(ValueError, match="pass as_of"):
        cbf.compute_features(interactions=df)
    features, diagnostics = cbf.compute_features(interactions=df, as_of=AS_OF,
                                                 return_diagnostics=True)
    counts = diagnostics.set_index(["record_kind", "counter"])["value"]
    assert counts[("interaction", "bad_timestamp")] == 1
    assert counts[("interaction", "missing_field")] == 1
    assert len(features) == 2


def test_bad_money_and_view_durations_are_counted_not_raised():
    df = pd.DataFrame({"customer_id": ["a"] * 5, "order_id": ["1", "2", "3", "4", "5"],
                       "attribution_value": ["nan", "-1", "1e13", " 12.5 ", ""],
                       "created_at": ["2025-01-01"] * 5})
    _, diagnostics = cbf.compute_features(attributions=df, return_diagnostics=True)
    counts = diagnostics.set_index(["record_kind", "counter"])["value"]
    assert counts[("attribution", "bad_money")] == 3
    assert counts[("attribution", "used")] == 2
    numeric = df.assign(attribution_value=[np.inf, -1.0, 1e13, 12.5, np.nan])
    _, diagnostics = cbf.compute_features(attributions=numeric, return_diagnostics=True)
    counts = diagnostics.set_index(["record_kind", "counter"])["value"]
    assert counts[("attribution", "bad_money")] == 3  # NaN is pandas' missing: 0, used
