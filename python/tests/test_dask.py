"""cbf.dask on a two-process LocalCluster on loopback equals cbf.compute_features, collected and
sorted by key: the same rows, the same global as_of, the same summed diagnostics."""
import dask.dataframe as dd
import pandas as pd
import pytest
from distributed import Client, LocalCluster

import cbf
import cbf.dask
from conftest import SAMPLE_DATA, generate, read_tables


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def collected(frame):
    """A dask result computed, in key order, with a fresh index."""
    return (frame.compute().sort_values(["shop_id", "customer_id"], kind="stable")
            .reset_index(drop=True))


def assert_dask_equals_single(tables, npartitions, **options):
    single, single_diagnostics = cbf.compute_features(**tables, **options,
                                                      return_diagnostics=True)
    inputs = {k: (dd.from_pandas(v, npartitions=npartitions, sort=False) if v is not None
                  else None) for k, v in tables.items()}
    features, diagnostics = cbf.dask.compute_features(**inputs, **options,
                                                      return_diagnostics=True)
    assert isinstance(features, dd.DataFrame) and isinstance(diagnostics, dd.DataFrame)
    pd.testing.assert_frame_equal(collected(features), single, check_exact=True)
    pd.testing.assert_frame_equal(diagnostics.compute().reset_index(drop=True),
                                  single_diagnostics, check_exact=True)
    return single


def test_sample_shop_on_two_worker_processes(client):
    single = assert_dask_equals_single(read_tables(SAMPLE_DATA), 3)
    assert len(single) > 100


def test_default_as_of_is_the_whole_data_sets(client):
    tables = read_tables(SAMPLE_DATA)
    # Few shards: most partitions hold customers whose own latest stamp is earlier.
    single = assert_dask_equals_single(tables, 4, preset="shopify", utc_offset=330)
    assert single["as_of"].nunique() == 1


@pytest.mark.parametrize("seed", [2, 5])
def test_edge_cases_with_models_on_two_worker_processes(client, tmp_path, seed):
    tables = read_tables(generate(tmp_path / "data", seed))
    assert_dask_equals_single(tables, 3, bgnbd=(0.243, 4.414, 0.793, 2.426),
                              gg=(6.25, 3.74, 15.44), utc_offset=-300)
    assert_dask_equals_single(tables, 2, as_of="2024-09-15T12:00:00Z")


def test_pandas_inputs_and_more_shards_than_partitions(client):
    tables = read_tables(SAMPLE_DATA)
    single = cbf.compute_features(**tables)
    result = cbf.dask.compute_features(**tables, npartitions=5)
    assert result.npartitions == 5
    pd.testing.assert_frame_equal(collected(result), single, check_exact=True)


def test_errors_are_raised_before_the_graph_runs():
    frame = dd.from_pandas(pd.DataFrame({"customer_id": ["a"], "created_at": ["2025-01-01"]}),
                           npartitions=1)
    with pytest.raises(ValueError, match="interactions has no column 'event_type'"):
        cbf.dask.compute_features(interactions=frame)
    frame = dd.from_pandas(pd.DataFrame({"customer_id": ["a"], "event_type": [True],
                                         "created_at": ["2025-01-01"]}), npartitions=1)
    with pytest.raises(TypeError, match="interactions.event_type has dtype bool"):
        cbf.dask.compute_features(interactions=frame)
    with pytest.raises(ValueError, match="preset"):
        cbf.dask.compute_features(interactions=frame, preset="x")


def test_input_order_is_kept_across_input_partitions(client):
    # Duplicate sessions: the first in input order counts (contract §4.4), even when the
    # duplicates come from different input partitions.
    sessions = pd.DataFrame({
        "customer_id": ["a", "b", "c", "a"] * 3,
        "session_id": ["s1", "s2", "s3", "s1"] * 3,
        "start_time": ["2025-01-01T10:00:00Z"] * 12,
        "device_type": ["mobile", "tablet", "tablet", "desktop"] * 3,
    })
    single = cbf.compute_features(sessions=sessions)
    assert single.set_index("customer_id").loc["a", "preferred_device"] == "mobile"
    for npartitions in (2, 4, 6):
        result = cbf.dask.compute_features(
            sessions=dd.from_pandas(sessions, npartitions=npartitions, sort=False))
        pd.testing.assert_frame_equal(collected(result), single, check_exact=True)
