#!/usr/bin/env bash
# The GPU benchmark, as one script: on a Linux machine with an NVIDIA GPU, its Vulkan driver and
# a Rust toolchain, builds the backend benchmark and prints the adapter, path-months per second
# for both backends at 1M and 10M paths x 48 months (each in one run), and the CPU/GPU parity
# check (paths bit-identical, and the largest difference in the summaries). Under 8 minutes:
# a release build of the sim crate (~2 min on 16 cores) and about a minute of runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODEVICE_SELECT=1
export CARGO_TERM_COLOR=never

echo "== machine"
uname -srm
nproc
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
command -v vulkaninfo >/dev/null && vulkaninfo --summary 2>/dev/null | grep -E "deviceName|driverName|apiVersion" || true

echo "== build"
cargo build --release --locked -p roundbook-sim --example bench_backends

echo "== benchmark"
target/release/examples/bench_backends "$@"
