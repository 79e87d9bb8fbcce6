#!/usr/bin/env python3
"""Speed and peak memory of converting a GuideLLM JSON report: tidybench against Python's
json + pandas.json_normalize and against DuckDB's read_json + unnest, measured in one run.

Usage: python bench/json_convert.py [TIDYBENCH_BINARY] [--small]   (default: target/release/tidybench;
--small: the 1x input only)

Inputs: the largest GuideLLM JSON fixture (../shared/fixtures when present, else the one in
tests/fixtures), decompressed, and a 10x file built from it by repeating its benchmarks.
The tools take turns, 5 runs each per input in a fresh process (bench/timing.py); the median
time and the largest peak RSS are reported. Needs pandas and duckdb (pip install pandas duckdb).
"""

import atexit
import gzip
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

from timing import measure

REPO = pathlib.Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "fixtures" / "guidellm"
LOCAL = REPO / "tests" / "fixtures" / "guidellm" / "0.4.0" / "poisson" / "benchmarks.json.gz"

PYTHON_LOAD = """
import json, sys, pandas as pd
with open(sys.argv[1]) as f:
    report = json.load(f)
benchmarks = pd.json_normalize(report["benchmarks"], sep=".")
records = [r for b in report["benchmarks"] for s in ("successful", "errored", "incomplete")
           for r in (b["requests"][s] or [])]
requests = pd.json_normalize(records, sep=".")
print(len(benchmarks.columns), len(requests))
"""

DUCKDB_LOAD = """
import sys, duckdb
path, size = sys.argv[1], int(sys.argv[2])
con = duckdb.connect()
con.sql(f"create table b as select unnest(benchmarks) as b from read_json('{path}', maximum_object_size={size * 2 + 1024})")
metrics = con.sql("select count(*) from (select unnest(b.metrics) from b)").fetchall()
requests = con.sql(
    "select count(*) from (select unnest(b.requests.successful, recursive := true) from b "
    "union all select unnest(b.requests.incomplete, recursive := true) from b)"
).fetchall()
print(metrics, requests)
"""


def largest_fixture():
    candidates = sorted(SHARED.glob("*/*/benchmarks.json*")) if SHARED.is_dir() else []
    candidates = [p for p in candidates if p.name.startswith("benchmarks.json")]
    return max(candidates, key=lambda p: p.stat().st_size) if candidates else LOCAL


def read(path):
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    binary = args[0] if args else str(REPO / "target" / "release" / "tidybench")
    source = largest_fixture()
    work = pathlib.Path(tempfile.mkdtemp(prefix="tidybench-bench-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    base = read(source)
    report = json.loads(base)
    report["benchmarks"] = report["benchmarks"] * 10
    inputs = {"1x": work / "base.json", "10x": work / "x10.json"}
    inputs["1x"].write_bytes(base)
    inputs["10x"].write_text(json.dumps(report))
    del report  # every tool below starts from the files, not from this process's copy
    if "--small" in sys.argv:
        del inputs["10x"]
    print(f"source: {source} ({len(base) / 1e6:.1f} MB uncompressed)")
    print(f"{'input':<6} {'MB':>7} {'tool':<28} {'seconds':>8} {'MB/s':>8} {'peak RSS MB':>12} {'time vs tidybench':>18}")
    for name, path in inputs.items():
        size = path.stat().st_size
        rows = [
            ("tidybench convert", [binary, "convert", str(path), "-o", str(work / f"out-{name}"), "-q", "--full"]),
            ("python json + json_normalize", [sys.executable, "-c", PYTHON_LOAD, str(path)]),
            ("duckdb read_json + unnest", [sys.executable, "-c", DUCKDB_LOAD, str(path), str(size)]),
        ]
        measured = measure(dict(rows))
        reference = measured[rows[0][0]][0]
        for tool, (seconds, peak) in measured.items():
            print(
                f"{name:<6} {size / 1e6:>7.1f} {tool:<28} {seconds:>8.2f} "
                f"{size / 1e6 / max(seconds, 1e-9):>8.1f} {peak:>12.0f} {seconds / reference:>17.1f}x"
            )


if __name__ == "__main__":
    main()
