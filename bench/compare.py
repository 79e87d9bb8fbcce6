#!/usr/bin/env python3
"""Speed and peak memory of `tidybench compare` over a large dataset, against the same
question asked of DuckDB, measured in one run.

Usage: python bench/compare.py [TIDYBENCH_BINARY] [--rows 10000000]

Builds the dataset with bench/make_dataset.py (40 models x 6 configurations x repeated runs x
20 loads), then runs, taking turns, 5 times each in a fresh process (bench/timing.py; median
seconds, largest peak RSS):
- tidybench compare DIR --baseline no-offload (the study's three metrics, every candidate,
  repeat-run confidence intervals, averages, peaks; text report to /dev/null);
- DuckDB: the per-level means of the same three metrics per configuration, joined to the
  baseline's, over the same Parquet files (no intervals, averages or peaks).
The data size is the metric tables' in-memory Arrow size (pyarrow). Needs pyarrow, numpy and
duckdb.
"""

import argparse
import atexit
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pyarrow.dataset as ds

from timing import measure

REPO = pathlib.Path(__file__).resolve().parents[1]

DUCKDB_QUERY = """
import sys, duckdb
root = sys.argv[1]
con = duckdb.connect()
con.sql(f'''
create view m as select * from read_parquet('{root}/metrics/*/*/*.parquet', hive_partitioning=true)
''')
rows = con.sql('''
with picked as (
  select model, config, strategy, load, metric, stat, status, avg(value) as value
  from m
  where (metric = 'requests_per_second' and stat = 'mean' and status = 'total')
     or (metric in ('request_latency', 'ttft') and stat = 'median' and status = 'successful')
  group by all
)
select c.model, c.config, c.load, c.metric, b.value as baseline, c.value as candidate,
       (c.value - b.value) / b.value * 100 as pct
from picked c join picked b
  on b.config = 'no-offload' and c.model = b.model and c.strategy = b.strategy
 and c.load = b.load and c.metric = b.metric and c.stat = b.stat and c.status = b.status
where c.config <> 'no-offload'
''').fetchall()
print(len(rows))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=str(REPO / "target" / "release" / "tidybench"))
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="tidybench-compare-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    data = work / "dataset"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "make_dataset.py"), args.binary, str(data),
         "--rows", str(args.rows)],
        check=True,
    )
    metrics = ds.dataset(str(data / "metrics"), format="parquet").to_table()
    arrow_mb = metrics.nbytes / 1e6
    disk_mb = sum(p.stat().st_size for p in data.rglob("*.parquet")) / 1e6
    print(f"metric rows: {metrics.num_rows}, in memory (Arrow) {arrow_mb:.0f} MB, on disk {disk_mb:.0f} MB")
    del metrics
    rows = [
        ("tidybench compare", [args.binary, "compare", str(data), "--baseline", "no-offload",
                               "-o", str(work / "report.txt")]),
        ("duckdb join of means", [sys.executable, "-c", DUCKDB_QUERY, str(data)]),
    ]
    print(f"{'tool':<24} {'seconds':>8} {'peak RSS MB':>12} {'RSS / data':>11} {'time vs tidybench':>18}")
    measured = measure(dict(rows))
    reference = measured[rows[0][0]][0]
    for tool, (seconds, peak) in measured.items():
        print(f"{tool:<24} {seconds:>8.2f} {peak:>12.0f} {peak / arrow_mb:>10.2f}x {seconds / reference:>17.1f}x")


if __name__ == "__main__":
    main()
