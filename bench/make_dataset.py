#!/usr/bin/env python3
"""Build a large tidybench dataset for benchmarks, from the real study log.

Usage: python bench/make_dataset.py TIDYBENCH_BINARY OUT_DIR [--rows 10000000]

The study log (data/) is converted with tidybench; its first run (one model, one
configuration, 5 load levels, 63 metric rows each) is the template. The dataset gets 40
models x 6 configurations x N repeated runs x 20 load levels, N chosen to reach --rows metric
rows; values are the template's scaled per configuration with 2% noise per run (numpy, fixed
seed). It is written in tidybench's own layout (hive partitions, footers, runs.parquet listing
every part), so `tidybench compare OUT_DIR ...` reads it like a converted archive.
Needs pyarrow and numpy.
"""

import argparse
import atexit
import hashlib
import json
import pathlib
import shutil
import subprocess
import tempfile
import urllib.parse

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

REPO = pathlib.Path(__file__).resolve().parents[1]
CONFIGS = ["no-offload", "native-offload", "lmcache", "cpu-offload-2x", "cpu-offload-4x", "disk"]
FACTORS = [1.0, 0.97, 1.04, 0.93, 1.08, 1.12]
MODELS = 40
LOADS = [float(x) for x in range(5, 105, 5)]


def part_name(model, config):
    quote = lambda v: urllib.parse.quote(v, safe="")
    digest = hashlib.sha256(f"{model}/{config}".encode()).hexdigest()[:16]
    return f"metrics/model={quote(model)}/config={quote(config)}/part-{digest}.parquet"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()

    seed_dir = pathlib.Path(tempfile.mkdtemp(prefix="tidybench-seed-"))
    atexit.register(shutil.rmtree, seed_dir, ignore_errors=True)
    subprocess.run(
        [args.binary, "convert", str(REPO / "data" / "benchmark-run-larger-models.log"),
         "-o", str(seed_dir), "-q"],
        check=True,
    )
    runs_file = pq.ParquetFile(seed_dir / "runs.parquet")
    footer = dict(runs_file.metadata.metadata)
    seed_runs = runs_file.read()
    first_part = sorted(seed_dir.glob("metrics/*/*/*.parquet"))[0]
    part_file = pq.ParquetFile(first_part)
    part_footer = dict(part_file.metadata.metadata)
    template = part_file.read()
    run_id = template.column("run_id")[0].as_py()
    template = template.filter(pc.equal(template.column("run_id"), run_id))
    # One load point of the template (63 rows), repeated over LOADS.
    first_load = template.column("load_index").to_numpy() == 0
    point = template.filter(pa.array(first_load))
    per_run = point.num_rows * len(LOADS)
    repeats = max(1, round(args.rows / (per_run * MODELS * len(CONFIGS))))

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(889)
    base_values = point.column("value").to_numpy()
    runs_rows, parts = [], []
    total = 0
    for m in range(MODELS):
        model = f"org/model-{m:02d}"
        for c, config in enumerate(CONFIGS):
            tables = []
            for r in range(repeats):
                rid = hashlib.sha256(f"{model}|{config}|{r}".encode()).hexdigest()[:16]
                runs_rows.append((rid, model, config))
                n = point.num_rows
                loads = np.repeat(LOADS, n)
                scale = FACTORS[c] * (1.0 + 0.02 * rng.standard_normal(per_run))
                growth = 1.0 + loads / 100.0
                values = np.tile(base_values, len(LOADS)) * scale * growth
                tables.append(pa.table({
                    "run_id": pa.array([rid] * per_run, pa.large_string()),
                    "strategy": pa.array(np.tile(point.column("strategy").to_numpy(zero_copy_only=False), len(LOADS)), pa.large_string()),
                    "load": pa.array(loads, pa.float64()),
                    "load_index": pa.array(np.repeat(np.arange(len(LOADS), dtype=np.int32), n)),
                    "metric": pa.array(np.tile(point.column("metric").to_numpy(zero_copy_only=False), len(LOADS)), pa.large_string()),
                    "status": pa.array(np.tile(point.column("status").to_numpy(zero_copy_only=False), len(LOADS)), pa.large_string()),
                    "stat": pa.array(np.tile(point.column("stat").to_numpy(zero_copy_only=False), len(LOADS)), pa.large_string()),
                    "value": pa.array(values, pa.float64()),
                    "unit": pa.array(np.tile(point.column("unit").to_numpy(zero_copy_only=False), len(LOADS)), pa.large_string()),
                    "decimals": pa.nulls(per_run, pa.int32()),
                    "origin": pa.array(["generated"] * per_run, pa.large_string()),
                }))
            table = pa.concat_tables(tables)
            total += table.num_rows
            name = part_name(model, config)
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            meta = dict(part_footer)
            meta[b"tidybench.partition"] = json.dumps({"model": model, "config": config}).encode()
            table = table.replace_schema_metadata(meta)
            pq.write_table(table, out / name, compression="zstd")
            parts.append(name)

    columns = {}
    for field in seed_runs.schema:
        template_value = seed_runs.column(field.name)[0].as_py()
        columns[field.name] = pa.array([template_value] * len(runs_rows), field.type)
    columns["run_id"] = pa.array([r[0] for r in runs_rows], pa.large_string())
    columns["model"] = pa.array([r[1] for r in runs_rows], pa.large_string())
    columns["config"] = pa.array([r[2] for r in runs_rows], pa.large_string())
    runs = pa.table(columns, schema=seed_runs.schema)
    meta = dict(footer)
    meta[b"tidybench.parts"] = json.dumps(sorted(parts)).encode()
    runs = runs.replace_schema_metadata(meta)
    pq.write_table(runs, out / "runs.parquet", compression="zstd")
    print(f"{total} metric rows, {len(runs_rows)} runs ({MODELS} models x {len(CONFIGS)} "
          f"configurations x {repeats} repeats x {len(LOADS)} loads) in {out}")


if __name__ == "__main__":
    main()
