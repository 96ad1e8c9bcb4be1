#!/usr/bin/env bash
# The main job until the desktop app exists: build the CLI, create the xAI example book
# in a fresh temporary file, and show what a finance user looks at first.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p roundbook-cli
rb=target/release/roundbook
dir=$(mktemp -d)
book="$dir/xai.roundbook"
trap 'rm -rf "$dir"' EXIT
"$rb" --book "$book" demo
echo
"$rb" --book "$book" captable --as-of 2024-05-26 --fully-diluted
echo
"$rb" --book "$book" captable --as-of 2024-05-26 --by class --fully-diluted
echo
"$rb" --book "$book" round list
echo
"$rb" --book "$book" journal
echo
# Deal math on the example: the exit waterfall at $30B with its breakpoints, and a pro forma
# next round (illustrative terms; nothing is recorded without --commit).
"$rb" --book "$book" waterfall --exit 30000000000 --as-of 2024-06-01 --breakpoints
echo
"$rb" --book "$book" stakeholder add "Illustrative Series C Lead" --kind institution --role investor
"$rb" --book "$book" round model "Series C (illustrative)" --date 2024-12-23 --class "Series C Preferred" \
    --create-class --post-money 50000000000 --invest "Illustrative Series C Lead=6000000000" \
    --pool-target 0.05 --pool-plan "2023 Equity Incentive Plan"
echo
# The compute plan (Colossus, funded by the Series B): orders, terms, and 24 months of cash and runway.
"$rb" --book "$book" compute order list
echo
"$rb" --book "$book" compute terms show
echo
"$rb" --book "$book" compute projection --months 24
echo
# The Monte Carlo engine on the shipped scenario (100,000 paths; the run is stored in the book).
"$rb" --book "$book" simulate assets/scenarios/xai-series-b.toml --paths 100000 --backend cpu
echo
"$rb" --book "$book" runs
echo
"$rb" --book "$book" check
