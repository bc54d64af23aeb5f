#!/usr/bin/env bash
# From a fresh Debian 12 machine: installs the dependencies and builds the example hosts, then
#  1. runs cbf-features on the bundled sample data (CSV in, build/quickstart/customer_behavior_features.csv out);
#  2. generates a shop of 5 000 customers into SQLite (build/quickstart/shop.db) with cbf-sample and
#     runs cbf-db on it, which writes the customer_behavior_features table into the same database.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

cmake -S . -B build/quickstart -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCBF_BUILD_TESTS=OFF -DCBF_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build/quickstart --target cbf-features cbf-sample cbf-db

out=build/quickstart
bin=build/quickstart/examples
as_of=2025-06-30T23:59:59Z

echo "== cbf-features on the bundled CSV sample (examples/sample-data)"
"$bin/cbf-features" examples/sample-data --as-of "$as_of" \
  --output "$out/customer_behavior_features.csv" --diagnostics "$out/diagnostics.csv"
rows=$(($(wc -l < "$out/customer_behavior_features.csv") - 1))
echo "Wrote $rows customers to $out/customer_behavior_features.csv (diagnostics: $out/diagnostics.csv)."
echo "First rows:"
head -n 4 "$out/customer_behavior_features.csv" | cut -c 1-160

echo
echo "== cbf-sample and cbf-db: a generated shop in SQLite ($out/shop.db)"
"$bin/cbf-sample" --customers 5000 --seed 1 --output "sqlite:$out/shop.db"
"$bin/cbf-db" "sqlite:$out/shop.db" --as-of "$as_of" --verbose
echo "Top customers by predicted lifetime value:"
sqlite3 -header -column "$out/shop.db" \
  "SELECT shop_id, customer_id, customer_segment, total_purchases,
          round(lifetime_value_prediction, 2) AS lifetime_value, round(churn_probability, 3) AS churn
   FROM customer_behavior_features ORDER BY lifetime_value_prediction DESC LIMIT 5;"
