// DuckDB's load of a cbf-sample CSV directory, the yardstick of the main job (issue 17): the four
// input files into tables, types inferred and timestamps parsed (read_csv_auto), timed alone.
// Prints one JSON line. Needs @duckdb/node-api, e.g. from a copy of ../shared/bench/peers:
//   NODE_PATH=/tmp/peers/node_modules node benchmarks/duckdb_load.js DIR THREADS [RUNS=3]
const { DuckDBInstance } = require('@duckdb/node-api');

const [dir, threads = '1', runsText = '3'] = process.argv.slice(2);
const tables = ['customers', 'user_interactions', 'user_sessions', 'purchase_attributions'];

(async () => {
  const times = [];
  let rows = 0;
  for (let run = 0; run < Number(runsText); ++run) {
    const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
    const c = await db.connect();
    const t0 = performance.now();
    for (const t of tables)
      await c.run(`CREATE TABLE ${t} AS SELECT * FROM read_csv_auto('${dir}/${t}.csv', header=true)`);
    times.push((performance.now() - t0) / 1000);
    rows = 0;
    for (const t of tables) {
      const r = await c.runAndReadAll(`SELECT count(*) FROM ${t}`);
      rows += Number(r.getRows()[0][0]);
    }
    c.closeSync?.();
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(JSON.stringify({ engine: 'duckdb', what: 'load', threads: Number(threads), rows,
                               load_s: times.map((t) => Number(t.toFixed(3))),
                               load_med_s: Number(sorted[Math.floor(sorted.length / 2)].toFixed(3)) }));
})();
