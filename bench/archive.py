#!/usr/bin/env python3
"""Converting a run archive: tidybench against a Python loader in the study's style, in one run.

Usage: python bench/archive.py [TIDYBENCH_BINARY] [--runs 250,1000]

For each size, bench/make_archive.py builds an archive of that many run directories (real
benchmark-config.txt and GuideLLM JSON reports as .json.zst, PCP files). Then, taking turns,
5 runs each in a fresh process (bench/timing.py; median seconds, largest peak RSS):
- tidybench convert ARCHIVE -o OUT (a fresh dataset each time);
- the same command again on the converted dataset (nothing changed);
- Python: per run directory, `zstd -d -c` in a subprocess, json.loads, every statistic of
  every metric of every benchmark as a row, the config file's `Key: value` lines as columns,
  then one pandas DataFrame (what the study's loader did, per release).
Needs pandas and the zstd command.
"""

import argparse
import atexit
import pathlib
import shutil
import subprocess
import sys
import tempfile

from timing import measure

REPO = pathlib.Path(__file__).resolve().parents[1]

PYTHON_LOADER = r"""
import json, pathlib, subprocess, sys
import pandas as pd
rows = []
for config in sorted(pathlib.Path(sys.argv[1]).glob("**/benchmark-config.txt")):
    run = config.parent
    labels = dict(line.split(": ", 1) for line in config.read_text().splitlines() if ": " in line)
    raw = subprocess.run(["zstd", "-d", "-c", str(run / "guidellm-results.json.zst")],
                         capture_output=True, check=True).stdout
    report = json.loads(raw)
    for i, bench in enumerate(report["benchmarks"]):
        for metric, by_status in bench["metrics"].items():
            if not isinstance(by_status, dict):
                continue
            for status, dist in by_status.items():
                if not isinstance(dist, dict) or "mean" not in dist:
                    continue
                for stat, value in list(dist.items()) + list((dist.get("percentiles") or {}).items()):
                    if isinstance(value, (int, float)):
                        rows.append({"run": labels.get("Run ID"), "config": labels.get("Parameters"),
                                     "model": labels.get("Model"), "benchmark": i, "metric": metric,
                                     "status": status, "stat": stat, "value": float(value)})
frame = pd.DataFrame(rows)
print(len(frame))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=str(REPO / "target" / "release" / "tidybench"))
    parser.add_argument("--runs", default="250,1000")
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="tidybench-archive-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    print(f"{'runs':>5} {'tool':<34} {'seconds':>8} {'peak RSS MB':>12} {'time vs tidybench':>18}")
    for n in [int(x) for x in args.runs.split(",")]:
        archive = work / f"archive-{n}"
        subprocess.run([sys.executable, str(REPO / "bench" / "make_archive.py"), str(archive),
                        "--runs", str(n)], check=True, capture_output=True)
        out = work / f"out-{n}"
        fresh = lambda: shutil.rmtree(out, ignore_errors=True)
        convert = [args.binary, "convert", str(archive / "results"), "-o", str(out), "-q"]
        # In turn, so each no-change run finds the dataset the full run before it wrote.
        measured = measure({
            "tidybench convert": (convert, fresh),
            "tidybench convert, nothing changed": convert,
            "Python zstd + json + pandas": [sys.executable, "-c", PYTHON_LOADER,
                                            str(archive / "results")],
        })
        full = measured["tidybench convert"][0]
        for tool, (seconds, peak) in measured.items():
            print(f"{n:>5} {tool:<34} {seconds:>8.2f} {peak:>12.0f} {seconds / full:>17.1f}x")


if __name__ == "__main__":
    main()
