#!/usr/bin/env python3
"""The Python reference for the study log: what the original ~220-line script did (regex over
the driver log, no libraries; described in the project's seed README), written again so that
benchmarks can compare `tidybench report --format classic` with it. On the bundled study log it
prints data/all-models-comparison.txt byte for byte (bench/run checks that).

Usage: python bench/study_reference.py LOG
"""

import os
import re
import sys

LEVELS = [5, 25, 50, 100, 250]
WIDTH = 100
SECTIONS = [
    ("THROUGHPUT COMPARISON (requests/sec)", "throughput", " req/s", 1),
    ("LATENCY COMPARISON - Median (seconds)", "latency", "s", 2),
    ("TIME TO FIRST TOKEN (TTFT) - Median (milliseconds)", "ttft", "ms", 1),
]
LABELS = ["Average throughput change:", "Average latency change:", "Average TTFT change:"]


def numbers(row):
    return [float(x) for x in row.strip().strip("|").split("|")[1:]]


def parse(text):
    """{model: {kind: [per-level {throughput, latency, ttft}]}} for the two configs known."""
    data = {}
    for piece in re.split(r"\n\*{40,}\n(?=Benchmark Iteration:)", text)[1:]:
        config = re.match(r"Benchmark Iteration:\s*(.*)", piece).group(1).strip()
        model = re.search(r"^Model:\s*(.*)$", piece, re.M).group(1).strip()
        if "no-offload" in config:
            kind = "NO-OFFLOAD"
        elif "native-offload" in config:
            kind = "NATIVE-OFFLOAD"
        else:
            continue
        latency, throughput, current = [], [], None
        for line in piece.splitlines():
            if "Request Latency Statistics" in line:
                current = latency
            elif "Server Throughput Statistics" in line:
                current = throughput
            elif line.startswith("ℹ"):
                current = None
            elif current is not None and line.startswith("| concurrent |"):
                current.append(numbers(line))
        data.setdefault(model, {})[kind] = [
            {"throughput": t[1], "latency": l[0], "ttft": l[2]} for l, t in zip(latency, throughput)
        ]
    return data


def pct(base, value):
    return (value - base) / base * 100 if base else 0.0


def main():
    path = sys.argv[1]
    data = parse(open(path, encoding="utf-8").read())
    rule = lambda c: c * WIDTH
    out = [rule("="), "vLLM KV-Cache CPU Offload - Multi-Model Benchmark Comparison", rule("="), "",
           f"Analyzing: {os.path.basename(path)}",
           f"Test Configuration: 30-second runs at concurrency levels {LEVELS}",
           "Workload: 128 prompt tokens, 128 output tokens, 10K prefix tokens, 5 turns", ""]
    averages = {}
    for model in sorted(data):
        base, cand = data[model].get("NO-OFFLOAD", []), data[model].get("NATIVE-OFFLOAD", [])
        out += [rule("="), f"Model: {model}", rule("="), ""]
        means = []
        for title, key, unit, d in SECTIONS:
            out += [f"{title:<{WIDTH}}", rule("-"),
                    f"{'Concurrency':<12} {'NO-OFFLOAD':<20} {'NATIVE-OFFLOAD':<20} {'Difference':<20} {'% Change':<15}",
                    rule("-")]
            w, wp = 20 - len(unit), 18 - len(unit)
            changes = []
            for i, (b, c) in enumerate(zip(base, cand)):
                b, c = b[key], c[key]
                p = pct(b, c)
                changes.append(p)
                out.append(f"{LEVELS[i]:<12} {b:>8.{d}f}{unit}{c:>{w}.{d}f}{unit}{c - b:>+{w}.{d}f}{unit}{p:>+{wp}.1f}%")
            out.append("")
            means.append(sum(changes) / len(changes) if changes else 0.0)
        out += [f"{'KEY METRICS':<{WIDTH}}", rule("-")]
        out += [f"  {label:<27}{mean:>+6.1f}%" for label, mean in zip(LABELS, means)]
        out.append("")
        averages[model] = means
    out += ["", rule("="), "CROSS-MODEL SUMMARY - Average Performance Impact of CPU Offload", rule("="), "",
            f"{'Model':<20} {'Throughput Δ':<18} {'Latency Δ':<18} {'TTFT Δ':<18}", rule("-")]
    for model in sorted(averages):
        a = averages[model]
        out.append(f"{model:<20} {a[0]:>+6.1f}%{a[1]:>+17.1f}%{a[2]:>+17.1f}%")
    out += ["", rule("="),
            "Note: Negative values indicate improvement with CPU offload, positive values indicate degradation",
            rule("=")]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
