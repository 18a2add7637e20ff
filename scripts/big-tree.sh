#!/usr/bin/env bash
# Installs the pinned npm packages of bench/tree (package-lock.json: every
# dependency pinned; 10,000+ real JavaScript files) into target/big-tree, for
# measuring `flux-lsp --check` at scale (bench/run.sh uses it too):
#   scripts/big-tree.sh            # install (once) and print the tree's size
#   scripts/big-tree.sh --bench    # also time flux-lsp and oxlint on it
# Not part of `cargo test`: it needs the npm registry and takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${BIG_TREE_DIR:-target/big-tree}
OXLINT=oxlint@1.94.0
# The checked tree is the installed node_modules renamed: the walker skips
# `node_modules` (dependencies are not the project's code).
SRC="$DIR/src"
if [ ! -d "$SRC" ]; then
  mkdir -p "$DIR"
  cp bench/tree/package.json bench/tree/package-lock.json "$DIR/"
  (cd "$DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  mv "$DIR/node_modules" "$SRC"
fi
LIST="$DIR/files.txt"
find "$SRC" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.jsx' \) \
  -not -path '*/.*' | sort > "$LIST"
FILES=$(wc -l < "$LIST")
BYTES=$(tr '\n' '\0' < "$LIST" | xargs -0 cat | wc -c)
echo "big tree: $FILES files, $(awk "BEGIN{printf \"%.1f\", $BYTES/1048576}") MB in $SRC"
[ "${1:-}" = "--bench" ] || exit 0

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet
BIN="$CARGO_TARGET_DIR/release/flux-lsp"
# Both tools get the same explicit file list, in one invocation each (xargs
# would otherwise split it at 128 KiB), so walkers and ignore files play no part.
ARGS_MAX=$(( $(getconf ARG_MAX) - 65536 ))
t0=$(date +%s.%N)
set +e
# CPU time too: on a shared machine it varies less than wall time.
tr '\n' '\0' < "$LIST" | /usr/bin/time -f "flux-lsp CPU: %U s user, %S s system, %M KB max RSS" -o "$DIR/flux-time.txt" \
  xargs -0 -s "$ARGS_MAX" "$BIN" --format json --output "$DIR/flux-report.json" --check \
  2> "$DIR/flux-stderr.txt"
code=$?
set -e
t1=$(date +%s.%N)
# xargs exits 123 when the command exits 1 (findings).
echo "flux-lsp: exit $code, $(awk "BEGIN{printf \"%.2f s, %.0f files/s, %.2f MB/s\", $t1-$t0, $FILES/($t1-$t0), $BYTES/1048576/($t1-$t0)}")"
tail -n 1 "$DIR/flux-stderr.txt"
cat "$DIR/flux-time.txt"
echo "flux-lsp error lines: $(grep -c '^error' "$DIR/flux-stderr.txt" || true)," \
  "syntax-error notes: $(grep -c '^note:.*syntax error' "$DIR/flux-stderr.txt" || true)," \
  "panics: $(grep -ci 'panicked' "$DIR/flux-stderr.txt" || true)"

# oxlint with its default rule set (the `correctness` category), installed
# pinned beside the tree and run directly (no npx start-up in the timing).
TOOLS="$DIR/tools"
if [ ! -x "$TOOLS/node_modules/.bin/oxlint" ]; then
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && { [ -f package.json ] || echo '{"private":true}' > package.json; } &&
    npm install --no-audit --no-fund --save-exact "$OXLINT")
fi
t0=$(date +%s.%N)
set +e
tr '\n' '\0' < "$LIST" | /usr/bin/time -f "oxlint CPU: %U s user, %S s system, %M KB max RSS" -o "$DIR/oxlint-time.txt" \
  xargs -0 -s "$ARGS_MAX" "$TOOLS/node_modules/.bin/oxlint" > "$DIR/oxlint.txt" 2>&1
set -e
t1=$(date +%s.%N)
echo "oxlint ($OXLINT, default rules): $(awk "BEGIN{printf \"%.2f s, %.0f files/s, %.2f MB/s\", $t1-$t0, $FILES/($t1-$t0), $BYTES/1048576/($t1-$t0)}")"
grep -E '^(Found|Finished)' "$DIR/oxlint.txt" || tail -n 2 "$DIR/oxlint.txt"
cat "$DIR/oxlint-time.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
