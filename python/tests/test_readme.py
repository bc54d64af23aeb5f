"""The README's Python example runs as written, on the sample shop."""
import re

import cbf
from conftest import SAMPLE_DATA, SOURCE_DIR, read_tables


def test_the_readme_example_runs():
    readme = (SOURCE_DIR / "README.md").read_text()
    section = readme[readme.index("## From Python"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    tables = read_tables(SAMPLE_DATA)
    scope = dict(events_df=tables["interactions"], sessions_df=tables["sessions"],
                 orders_df=tables["attributions"])
    exec(code, scope)
    features = scope["features"]
    assert list(features.columns) == ["shop_id", "customer_id", *cbf.FEATURES, "as_of"]
    assert (features["as_of"] == "2025-07-01T00:00:00Z").all() and len(features) > 100
