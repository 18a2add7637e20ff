#!/usr/bin/env bash
# Checks on a big tree that the prefilter changes no finding, and times the
# release build with and without it (one thread and all cores), then a
# second run from --cache:
#   scripts/prefilter-check.sh [TREE]     # default: target/big-tree/src (scripts/big-tree.sh)
# Exit 1 if the findings differ. Not part of `cargo test`: it takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
TREE=${1:-target/big-tree/src}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet
BIN="$CARGO_TARGET_DIR/release/flux-lsp"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# run NAME THREADS ARGS…: prints the wall time and the counts of the JSON report.
run() {
  local name=$1 threads=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  RAYON_NUM_THREADS=$threads "$BIN" --check "$TREE" --format json "$@" >"$OUT/$name.json" 2>"$OUT/$name.err" || true
  end=$(date +%s.%N)
  python3 - "$OUT/$name.json" "$name" "$threads" "$start" "$end" <<'EOF'
import json, sys
path, name, threads, start, end = sys.argv[1:]
r = json.load(open(path))
print(f"{name:<22} threads={threads:<2} {float(end) - float(start):8.2f} s  files={r['files']} "
      f"analysed={r['analysed']} skipped={r['skipped']} cached={r['cached']} findings={len(r['findings'])}")
EOF
}

FILES=$(find "$TREE" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.jsx' -o -name '*.ts' -o -name '*.tsx' -o -name '*.mts' -o -name '*.cts' \) -not -name '*.d.ts' -not -path '*/.*' -not -path "$TREE/*node_modules/*" -print0 | xargs -0 cat | wc -c)
echo "tree: $TREE, $(awk "BEGIN{printf \"%.1f\", $FILES/1048576}") MB of sources"
THREADS=$(nproc)
run prefilter-1 1
run no-prefilter-1 1 --no-prefilter
run prefilter-all "$THREADS"
run no-prefilter-all "$THREADS" --no-prefilter
run cache-cold "$THREADS" --cache "$OUT/cache"
run cache-warm "$THREADS" --cache "$OUT/cache"

same=0
python3 - "$OUT" <<'EOF' || same=1
import json, sys
out = sys.argv[1]
f = lambda n: json.load(open(f"{out}/{n}.json"))["findings"]
base = f("no-prefilter-1")
for other in ["prefilter-1", "prefilter-all", "no-prefilter-all", "cache-cold", "cache-warm"]:
    if f(other) != base:
        print(f"findings differ: {other} vs no-prefilter-1")
        sys.exit(1)
print("identical findings in every run")
EOF
exit $same
