#!/usr/bin/env bash
# Builds each fuzz target's seed corpus (fuzz/corpus/<target>/) from the real fixtures under
# tests/fixtures/ and data/, and its dictionary (fuzz/dict/<target>.dict) from the string
# literals of the parser it drives. Both are generated, not committed: run again after the
# fixtures or parsers change (seeds are added to what the corpus has grown, never removed).
# Usage: fuzz/seed.sh [target...] (every target by default).
set -euo pipefail
cd "$(dirname "$0")/.."

fixtures=tests/fixtures
# Separates the files of one `read` input (tidybench_fuzz::NEXT_FILE).
next_file=$'\n=== next file ===\n'

# The fixtures of a target, and the parser sources its dictionary is taken from.
seeds() {
    case "$1" in
        driver_log) ls data/benchmark-run-larger-models.log "$fixtures"/hostile/study-*.log ;;
        guidellm_console) ls "$fixtures"/guidellm/*/*/console.log "$fixtures"/guidellm/*/*/tty.log \
            "$fixtures"/hostile/console-*.log ;;
        guidellm_json) ls "$fixtures"/guidellm/*/*/*.json.gz "$fixtures"/hostile/report-*.json ;;
        guidellm_yaml) ls "$fixtures"/guidellm/*/*/*.yaml.gz \
            "$fixtures"/guidellm/0.3.1/poisson/benchmarks-no-requests.json.gz ;;
        guidellm_csv) ls "$fixtures"/guidellm/*/*/benchmarks.csv ;;
        guidellm_html) ls "$fixtures"/guidellm/*/*/benchmarks.html.gz ;;
        vllm_bench) ls "$fixtures"/vllm/bench-serve/*.log ;;
        vllm_bench_json) ls "$fixtures"/vllm/bench-serve/*.json "$fixtures"/vllm/save-detailed/*.json ;;
        vllm_server_log) ls "$fixtures"/vllm/server-logs/*.log ;;
        vllm_sweep) find "$fixtures"/vllm/sweep -name summary.json | sort ;;
        comparison_report) ls data/all-models-comparison.txt ;;
        detect) find "$fixtures" data -type f ! -name '*.md' ! -name '*.py' | sort ;;
        # run_config and read build their seeds themselves (below).
        run_config | read) ;;
        *) echo "unknown target $1" >&2; return 1 ;;
    esac
}

sources() {
    case "$1" in
        guidellm_json | guidellm_yaml) echo src/formats/guidellm_json.rs ;;
        detect | read) echo src/formats/*.rs src/detect.rs ;;
        *) echo "src/formats/$1.rs" ;;
    esac
}

# Writes `data` (standard input) as a corpus file named by its content's hash.
add() {
    local tmp
    tmp="$(mktemp)"
    cat >"$tmp"
    mv "$tmp" "$1/$(sha1sum "$tmp" | cut -c1-40)"
}

# The text of a fixture (gzip fixtures decompressed: the mutations then reach the text).
text() {
    case "$1" in
        *.gz) gzip -dc "$1" 2>/dev/null || cat "$1" ;;
        *) cat "$1" ;;
    esac
}

# Each benchmark of the GuideLLM report $1 alone in a copy of the report, written into the
# corpus $2 as JSON, or as YAML when $3 is `yaml` (needs PyYAML): small seeds run fast.
single_benchmarks() {
    text "$1" | python3 -c '
import hashlib, json, sys
report = json.load(sys.stdin)
for benchmark in report.get("benchmarks", []):
    report["benchmarks"] = [benchmark]
    if sys.argv[2] == "yaml":
        import yaml
        text = yaml.safe_dump(report, sort_keys=True)
    else:
        text = json.dumps(report)
    data = text.encode()
    with open(sys.argv[1] + "/" + hashlib.sha1(data).hexdigest(), "wb") as out:
        out.write(data)
' "$2" "${3:-json}"
}

seed() {
    local target="$1" dir="fuzz/corpus/$1" file
    mkdir -p "$dir" fuzz/dict
    for file in $(seeds "$target"); do
        text "$file" | add "$dir"
    done
    case "$target" in
        run_config)
            for file in "$fixtures"/llm-d-run-configs/*/benchmark-config.txt; do
                { basename "$(dirname "$file")"; cat "$file"; } | add "$dir"
            done
            ;;
        read)
            # A run directory with each GuideLLM console log and the report of the same run,
            # the study log, and each vllm bench log with its result JSON.
            local config log
            config="$(ls "$fixtures"/llm-d-run-configs/*/benchmark-config.txt | head -1)"
            for report in "$fixtures"/guidellm/*/*/*.json.gz; do
                {
                    basename "$(dirname "$config")"
                    cat "$config"
                    printf '%s' "$next_file"
                    cat "$(dirname "$report")"/*.log
                    printf '%s' "$next_file"
                    text "$report"
                } | add "$dir"
            done
            {
                echo results
                printf '%s' "$next_file"
                cat data/benchmark-run-larger-models.log
            } | add "$dir"
            for log in "$fixtures"/vllm/bench-serve/*.log; do
                local json="${log%.log}.result.json"
                {
                    echo results
                    printf '%s' "$next_file"
                    cat "$log"
                    if [ -f "$json" ]; then printf '%s' "$next_file"; cat "$json"; fi
                } | add "$dir"
            done
            ;;
        guidellm_json)
            for file in "$fixtures"/guidellm/*/*/benchmarks-no-requests.json.gz; do
                single_benchmarks "$file" "$dir"
            done
            ;;
        guidellm_yaml)
            if python3 -c 'import yaml' 2>/dev/null; then
                for file in "$fixtures"/guidellm/*/concurrent/benchmarks-no-requests.json.gz; do
                    single_benchmarks "$file" "$dir" yaml
                done
            fi
            ;;
        comparison_report)
            # One model compared with two candidates, with a level only one side has and a
            # level without a load.
            local rule dash
            rule="$(printf '=%.0s' {1..100})"
            dash="$(printf -- '-%.0s' {1..100})"
            {
                printf '%s\nvLLM KV-Cache CPU Offload - Multi-Model Benchmark Comparison\n%s\n\n' "$rule" "$rule"
                printf 'Analyzing: study.log\nTest Configuration: runs at concurrency levels [5, 25, ?]\n'
                printf 'Workload: 128 prompt tokens, 128 output tokens, 10K prefix tokens, 5 turns\n\n'
                printf '%s\nModel: m\n%s\n\n' "$rule" "$rule"
                for candidate in CAND OTHER; do
                    printf 'THROUGHPUT COMPARISON (requests/sec)\n%s\n' "$dash"
                    printf 'Concurrency  BASE                 %-20s Difference           %% Change\n%s\n' "$candidate" "$dash"
                    printf '5                 0.5 req/s           0.7 req/s          +0.2 req/s       +40.0%%\n'
                    printf '25          unmatched: no %s result at this level\n' "$candidate"
                    printf '?                 1.0 req/s           2.0 req/s          +1.0 req/s      +100.0%%\n\n'
                    printf 'TIME TO FIRST TOKEN (TTFT) - Median (milliseconds)\n%s\n' "$dash"
                    printf 'Concurrency  BASE                 %-20s Difference           %% Change\n%s\n' "$candidate" "$dash"
                    printf '5               168.2ms             182.8ms             +14.6ms            +8.7%%\n\n'
                done
            } | add "$dir"
            ;;
        detect | driver_log)
            # Compressed and UTF-16 inputs as they are on disk.
            cat "$fixtures"/guidellm/0.8.1/concurrent/benchmarks-no-requests.yaml.gz | add "$dir"
            zstd -q -c data/benchmark-run-larger-models.log | add "$dir"
            ;;
    esac
    # Every string literal of the parser without escapes or format arguments, 3-40 bytes
    # long, as a libFuzzer dictionary entry (other than printable ASCII written `\xNN`).
    # shellcheck disable=SC2046
    grep -ohE '"[^"\\{}]{3,40}"' $(sources "$target") | sort -u |
        LC_ALL=C perl -pe 's/([^\x20-\x7e\n])/sprintf("\\x%02X", ord($1))/ge' >"fuzz/dict/$target.dict"
    echo "$target: $(ls "$dir" | wc -l) seeds, $(du -sh "$dir" | cut -f1), $(wc -l <"fuzz/dict/$target.dict") dictionary entries"
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(detect read run_config driver_log guidellm_console guidellm_json guidellm_yaml
        guidellm_csv guidellm_html vllm_bench vllm_bench_json vllm_server_log vllm_sweep
        comparison_report)
fi
for target in "${targets[@]}"; do
    seed "$target"
done
