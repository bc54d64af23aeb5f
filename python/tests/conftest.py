"""Shared helpers of the Python package's tests: the reference host (cbf-features), the reference
generator's edge cases, and a cell-for-cell comparison of a DataFrame with the host's CSV table.

CBF_FEATURES_EXE names the cbf-features binary (CTest sets it); without it the equality tests are
skipped, unless CBF_REQUIRE_ALL=1, when they fail.
"""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("CBF_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
SAMPLE_DATA = SOURCE_DIR / "examples" / "sample-data"
GENERATOR = SOURCE_DIR / "tests" / "reference" / "generate.py"

FILES = {"customers": "customers.csv", "interactions": "user_interactions.csv",
         "sessions": "user_sessions.csv", "attributions": "purchase_attributions.csv"}


def read_tables(directory):
    """The four input tables as the issue reads them: pandas.read_csv(path, dtype=str,
    keep_default_na=False); a missing file is None."""
    tables = {}
    for table, name in FILES.items():
        path = pathlib.Path(directory) / name
        tables[table] = (pd.read_csv(path, dtype=str, keep_default_na=False)
                         if path.exists() else None)
    return tables


@pytest.fixture(scope="session")
def features_exe():
    exe = os.environ.get("CBF_FEATURES_EXE")
    if not exe or not os.access(exe, os.X_OK):
        if os.environ.get("CBF_REQUIRE_ALL") == "1":
            pytest.fail("CBF_FEATURES_EXE does not name the cbf-features binary")
        pytest.skip("set CBF_FEATURES_EXE to the cbf-features binary")
    return exe


def host_options(as_of=None, utc_offset=0, preset="default", bgnbd=None, gg=None):
    """cbf-features' options for compute_features' keyword arguments."""
    args = ["--utc-offset", str(utc_offset), "--preset", preset]
    if as_of is not None:
        args += ["--as-of", as_of]
    if bgnbd is not None:
        args += ["--bgnbd", ",".join(repr(float(x)) for x in bgnbd)]
    if gg is not None:
        args += ["--gg", ",".join(repr(float(x)) for x in gg)]
    return args


def run_host(exe, directory, tmp_path, **options):
    """cbf-features' feature and diagnostics tables, every cell read as text."""
    out = tmp_path / "features.csv"
    diag = tmp_path / "diagnostics.csv"
    subprocess.run([exe, str(directory), *host_options(**options), "--quiet", "--threads", "1",
                    "--output", str(out), "--diagnostics", str(diag)], check=True)
    read = dict(dtype=str, keep_default_na=False)
    return pd.read_csv(out, **read), pd.read_csv(diag, **read)


def generate(directory, seed):
    """The reference generator's random tables full of edge cases (tests/reference)."""
    subprocess.run([sys.executable, str(GENERATOR), str(directory), "--seed", str(seed)],
                   check=True)
    return directory


def assert_same_table(frame, expected):
    """`frame` equals the host's CSV table `expected` (all text) cell for cell: the same columns
    in the same order, empty cells where `frame` is missing, numbers equal to the last bit (the
    host writes shortest round-trip text), integers as integers, text as text."""
    assert list(frame.columns) == list(expected.columns)
    assert len(frame) == len(expected)
    for name in expected.columns:
        want = expected[name].to_numpy(dtype=object)
        got = frame[name]
        blank = want == ""
        dtype = got.dtype
        if dtype == object:  # text: a key's empty shop_id is "", a null label None
            values = got.to_numpy(dtype=object)
            for i in range(len(want)):
                assert (values[i] is None and want[i] == "") or values[i] == want[i], \
                    f"{name}: row {i}: {values[i]!r} != {want[i]!r}"
            continue
        missing = got.isna().to_numpy()
        bad = np.flatnonzero(blank != missing)
        assert bad.size == 0, f"{name}: null differs at rows {bad[:5]}"
        if pd.api.types.is_float_dtype(dtype):
            numbers = np.array([float(x) if x else np.nan for x in want])
            values = got.to_numpy(dtype=np.float64)
            same = (numbers == values) | (np.isnan(numbers) & np.isnan(values))
            assert same.all(), f"{name}: rows {np.flatnonzero(~same)[:5]} differ"
        else:
            assert pd.api.types.is_integer_dtype(dtype), f"{name}: dtype {dtype}"
            for i in np.flatnonzero(~blank):
                assert int(want[i]) == int(got.iloc[i]), f"{name}: row {i} differs"


def assert_same_diagnostics(frame, expected):
    assert list(frame.columns) == ["record_kind", "counter", "value"]
    assert frame["value"].dtype == np.int64
    assert frame["record_kind"].tolist() == expected["record_kind"].tolist()
    assert frame["counter"].tolist() == expected["counter"].tolist()
    assert frame["value"].tolist() == [int(x) for x in expected["value"]]
