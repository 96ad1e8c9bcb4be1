#!/usr/bin/env bash
# Fuzzes the parsers that read a user's or a stranger's bytes (fuzz/fuzz_targets): calc's deal
# JSON, scenario TOML/JSON, an OCF package's zip, the cap table CSV. Each target starts from the
# repository's own examples and runs for FUZZ_SECONDS (default 60); a crash fails the script and
# leaves its input under fuzz/artifacts/ (a crash found becomes a regression test).
# Needs the nightly toolchain (libFuzzer's instrumentation); cargo-fuzz is installed into
# target/tools when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${FUZZ_SECONDS:-60}
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz: no nightly toolchain here; skipped" >&2
    exit 0
fi
TOOLS=$PWD/target/tools
export PATH=$TOOLS/bin:$PATH
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version '^0.13' --root "$TOOLS"

# Seeds: the examples the repository ships, and an OCF package exported from the demo book.
SEEDS=$(mktemp -d)
trap 'rm -rf "$SEEDS"' EXIT
mkdir -p "$SEEDS"/{calc_json,scenario,ocf_zip,captable_csv}
cp docs/calc/*.json "$SEEDS/calc_json/"
cp assets/scenarios/*.toml "$SEEDS/scenario/"
cp assets/templates/captable.csv "$SEEDS/captable_csv/"
cargo build -p roundbook-cli --locked
target/debug/roundbook --book "$SEEDS/demo.roundbook" demo >/dev/null
target/debug/roundbook --book "$SEEDS/demo.roundbook" export ocf --out "$SEEDS/ocf_zip/demo.zip" >/dev/null

cargo +nightly fuzz build -O
for t in calc_json scenario ocf_zip captable_csv; do
    echo "== fuzz $t for ${SECONDS_EACH} s"
    mkdir -p "fuzz/corpus/$t"
    cargo +nightly fuzz run -O "$t" "fuzz/corpus/$t" "$SEEDS/$t" -- \
        -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1
done
echo "fuzz: no crash"
