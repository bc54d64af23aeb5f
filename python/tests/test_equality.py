"""cbf.compute_features equals cbf-features cell for cell, on the sample shop and on the reference
generator's edge cases, with both presets, several UTC offsets, with and without the models."""
import pytest

import cbf
from conftest import (SAMPLE_DATA, assert_same_diagnostics, assert_same_table, generate,
                      read_tables, run_host)

CDNOW = (0.243, 4.414, 0.793, 2.426)
CDNOW_GG = (6.25, 3.74, 15.44)

SAMPLE_CASES = [
    dict(),
    dict(preset="shopify"),
    dict(utc_offset=330),
    dict(preset="shopify", utc_offset=-300, as_of="2025-01-01T00:00:00Z"),
    dict(bgnbd=CDNOW),
    dict(preset="shopify", utc_offset=60, bgnbd=CDNOW, gg=CDNOW_GG),
    dict(as_of="2024-06-30T23:59:59.5+02:00", bgnbd=(0.5, 2, 0.3, 0.4), gg=(0.3, 0.2, 3)),
]


@pytest.mark.parametrize("options", SAMPLE_CASES, ids=repr)
def test_sample_shop_equals_cbf_features(features_exe, tmp_path, options):
    expected, expected_diagnostics = run_host(features_exe, SAMPLE_DATA, tmp_path, **options)
    features, diagnostics = cbf.compute_features(**read_tables(SAMPLE_DATA), **options,
                                                 return_diagnostics=True)
    assert_same_table(features, expected)
    assert_same_diagnostics(diagnostics, expected_diagnostics)


# As tests/reference/run_differential.sh: as_of values inside the data's range, all the offsets,
# both presets, and the fitted-model sets (a + b < 1, a > 1 with b < 1, p·x + q − 1 ≤ 0).
EDGE_CASES = [
    dict(),
    dict(preset="shopify", utc_offset=-300, as_of="2024-09-15T12:00:00Z"),
    dict(utc_offset=330, bgnbd=CDNOW),
    dict(preset="shopify", utc_offset=-570, as_of="2024-11-02T07:30:00.123456Z",
         bgnbd=(0.5, 2, 0.3, 0.4), gg=(0.8, 0.5, 3)),
    dict(preset="shopify", as_of="1727740800", bgnbd=(1.2, 10, 3, 0.7), gg=(6.25, 3.74, 15.44)),
    dict(utc_offset=-300, as_of="2024-03-31", bgnbd=(1.2, 10, 3, 0.7), gg=(0.3, 0.2, 3)),
]


@pytest.mark.parametrize("seed", range(1, 9))
def test_edge_cases_equal_cbf_features(features_exe, tmp_path, seed):
    data = generate(tmp_path / "data", seed)
    tables = read_tables(data)
    for k, options in enumerate(EDGE_CASES):
        run_dir = tmp_path / f"run{k}"
        run_dir.mkdir()
        expected, expected_diagnostics = run_host(features_exe, data, run_dir, **options)
        features, diagnostics = cbf.compute_features(**tables, **options, threads=1 + k % 2,
                                                     return_diagnostics=True)
        assert_same_table(features, expected)
        assert_same_diagnostics(diagnostics, expected_diagnostics)
