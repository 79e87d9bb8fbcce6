#!/usr/bin/env bash
# Fuzzes one target for a while: fuzz/run.sh <target> [seconds, default 300] [more libFuzzer
# options]. Needs the corpus and dictionary of fuzz/seed.sh, cargo-fuzz and a nightly toolchain.
# New inputs go to fuzz/corpus/<target>/, crashes to fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
target="$1"
seconds="${2:-300}"
shift $(($# < 2 ? $# : 2))

# Long enough for the real inputs: the read path takes a console log with its report (up to
# 550 KB), HTML pages are up to 350 KB; reports are seeded one benchmark each (fuzz/seed.sh),
# the largest other fixture is 209 KB.
case "$target" in
    read) max_len=1048576 ;;
    guidellm_html) max_len=524288 ;;
    *) max_len=262144 ;;
esac

[ -d "fuzz/corpus/$target" ] || fuzz/seed.sh "$target"
exec cargo +nightly fuzz run --codegen-units 16 "$target" "fuzz/corpus/$target" -- \
    -dict="fuzz/dict/$target.dict" -max_len="$max_len" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 "$@"
