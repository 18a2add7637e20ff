#!/usr/bin/env bash
# The benchmark suite (issue 8): flux-lsp next to quick-lint-js and oxlint,
# and tree-sitter alone as the floor. Not a test: prints numbers, asserts
# nothing, and appends a dated section to BENCHMARKS.md (--no-write: don't).
#
#   bench/run.sh [--runs 3] [--edits 200] [--big-edits 10] [--skip lsp|cli] [--no-write]
#
# Needs cargo, npm, node (>= 20.19, for oxlint), python3 and
# ../shared/bench/lsp_latency.py (or LSP_LATENCY=path). Everything it
# downloads or builds goes under $CARGO_TARGET_DIR/bench (default target/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/suite.py "$@"
