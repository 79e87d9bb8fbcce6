#!/usr/bin/env python3
"""Build a run archive like the llm-d benchmark driver leaves, from the real fixtures.

Usage: python bench/make_archive.py OUT_DIR [--runs 1000]

OUT_DIR/results/sweep-<NN>/<hardware>_<software>_<model>_<config>_replica1_rate<R>/ holds, per
run (6 configurations x 4 models x 8 rates per sweep):
- benchmark-config.txt: one of the 15 real configs in tests/fixtures/llm-d-run-configs/, with
  `Run ID`, `Parameters` (6 configurations), `Rate (Concurrency)` and `Model` varied;
- guidellm-results.json.zst: one of the real GuideLLM 0.6.1 / 0.7.4 / 0.8.1 JSON reports in
  tests/fixtures/guidellm/*/concurrent/, with its run id made unique and its numbers scaled
  per configuration, compressed with the `zstd` command;
- pcp-archives/20260520.0: a few KB of binary data (skipped by converters).
Needs the `zstd` command.
"""

import argparse
import gzip
import json
import pathlib
import random
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[1]
CONFIGS = ["no-offload", "native-offload-20k", "cpu+fs-offload-20k", "lmcache-valkey",
           "native-offload-40k", "llm-d-valkey"]
MODELS = ["Qwen/Qwen3-0.6B", "Qwen/Qwen3-8B", "Qwen/Qwen3-14B", "meta-llama/Llama-3.1-8B"]
RATES = [1, 50, 100, 150, 300, 400, 500, 650]


def scaled(value, factor):
    if isinstance(value, dict):
        return {k: (v if k in ("count", "run_id", "id_") else scaled(v, factor)) for k, v in value.items()}
    if isinstance(value, list):
        return [scaled(v, factor) for v in value]
    if isinstance(value, float):
        return value * factor
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(889)
    reports = [
        json.load(gzip.open(REPO / f"tests/fixtures/guidellm/{v}/concurrent/benchmarks-no-requests.json.gz"))
        for v in ("0.6.1", "0.7.4", "0.8.1")
    ]
    configs = sorted((REPO / "tests/fixtures/llm-d-run-configs").glob("*/benchmark-config.txt"))
    results = args.out / "results"
    for i in range(args.runs):
        config = CONFIGS[i % len(CONFIGS)]
        model = MODELS[(i // len(CONFIGS)) % len(MODELS)]
        rate = RATES[(i // (len(CONFIGS) * len(MODELS))) % len(RATES)]
        combos = len(CONFIGS) * len(MODELS) * len(RATES)
        name = f"1x2xL40S_upstream-llm-d-0.7.0_{model.split('/')[1]}_{config}_replica1_rate{rate}"
        run = results / f"sweep-{i // combos:02d}" / name
        (run / "pcp-archives").mkdir(parents=True, exist_ok=True)
        lines = []
        for line in configs[i % len(configs)].read_text().splitlines():
            key = line.split(":", 1)[0]
            value = {"Run ID": name, "Parameters": config, "Model": model,
                     "Rate (Concurrency)": str(rate), "Rate": str(rate)}.get(key)
            lines.append(f"{key}: {value}" if value is not None else line)
        (run / "benchmark-config.txt").write_text("\n".join(lines) + "\n")
        report = json.loads(json.dumps(reports[i % len(reports)]))
        factor = 1.0 + 0.05 * (i % 6) + 0.01 * rng.random()
        for bench in report["benchmarks"]:
            bench["metrics"] = scaled(bench["metrics"], factor)
            bench.setdefault("config", {})["run_id"] = f"bench-run-{i:06d}"
        raw = run / "guidellm-results.json"
        raw.write_text(json.dumps(report))
        subprocess.run(["zstd", "-q", "-f", "--rm", str(raw)], check=True)
        (run / "pcp-archives" / "20260520.0").write_bytes(bytes(rng.getrandbits(8) for _ in range(4096)))
    print(f"{args.runs} run directories in {results}")


if __name__ == "__main__":
    main()
