#!/usr/bin/env bash
# No-panic sweep: installs a large pinned tree of real JavaScript from npm
# into target/sweep and runs `flux-lsp --check` on every JS file, one child
# process per file with a time budget, so a panic, a stack overflow or a hang
# is pinned on its file and the sweep goes on.
#
#   scripts/sweep.sh                 # the full tree (≥ 5,000 files)
#   scripts/sweep.sh --ci            # ~200 files of two small pinned packages
#   BUDGET=10 BIN=path/to/flux-lsp scripts/sweep.sh
#
# Report: target/sweep/<mode>/report.txt. Exit 1 on any panic or timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mode=full
[ "${1:-}" = "--ci" ] && mode=ci
budget=${BUDGET:-10}
target=${CARGO_TARGET_DIR:-$root/target}
bin=${BIN:-$target/release/flux-lsp}
dir=$root/target/sweep/$mode
mkdir -p "$dir"

# Pinned: the sweep must be reproducible. Chosen for volume and for the
# shapes that break parsers: minified bundles, generated parsers, huge lines.
if [ "$mode" = full ]; then
  deps='"typescript": "5.4.5", "@babel/parser": "7.24.5", "acorn": "8.11.3",
    "esprima": "4.0.1", "webpack": "5.91.0", "rxjs": "7.8.1", "lodash": "4.17.21",
    "moment": "2.30.1", "jquery": "3.7.1", "three": "0.164.1", "pdfjs-dist": "4.2.67",
    "express": "4.19.2", "socket.io": "4.7.5"'
else
  deps='"acorn": "8.11.3", "lodash": "4.17.21"'
fi
printf '{ "name": "flux-sweep", "private": true, "dependencies": { %s } }\n' "$deps" \
  >"$dir/package.json.new"
if ! cmp -s "$dir/package.json.new" "$dir/package.json" || [ ! -d "$dir/node_modules" ]; then
  mv "$dir/package.json.new" "$dir/package.json"
  (cd "$dir" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
else
  rm "$dir/package.json.new"
fi

[ -x "$bin" ] || cargo build --release --bin flux-lsp
find "$dir/node_modules" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' \) | sort >"$dir/files"
if [ "$mode" = ci ]; then
  # acorn's bundles (long generated code) and the first lodash modules.
  # awk, not `grep | head`: head closing the pipe early kills grep with
  # SIGPIPE, and pipefail turns that into exit 141.
  { grep '/acorn/dist/' "$dir/files"; awk '/\/lodash\// && n++ < 190' "$dir/files"; } >"$dir/files.ci"
  mv "$dir/files.ci" "$dir/files"
fi

results=$dir/results.tsv # status  ms  bytes  path
: >"$results"
panics=0 timeouts=0 crashes=0 n=0 bytes=0
while IFS= read -r f; do
  size=$(stat -c %s "$f")
  start=$(date +%s%N)
  code=0
  timeout -s KILL "$budget" "$bin" --check --no-prefilter --format json "$f" >/dev/null 2>"$dir/stderr" || code=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  # 0/1: findings or none; 2: the file was reported unreadable (binary, not UTF-8).
  case $code in
    0 | 1 | 2) status=ok ;;
    101) status=panic; panics=$((panics + 1)) ;;
    137) status=timeout; timeouts=$((timeouts + 1)) ;;
    *) status="crash($code)"; crashes=$((crashes + 1)) ;;
  esac
  if [ "$status" != ok ]; then
    { echo "== $status $f"; head -c 2000 "$dir/stderr"; } >>"$dir/failures.txt"
  fi
  printf '%s\t%s\t%s\t%s\n' "$status" "$ms" "$size" "$f" >>"$results"
  n=$((n + 1)) bytes=$((bytes + size))
done <"$dir/files"

{
  echo "flux-lsp sweep ($mode): $n files, $bytes bytes, budget ${budget}s per file"
  echo "panics: $panics  timeouts: $timeouts  other crashes: $crashes"
  echo "slowest files (ms, bytes, path):"
  sort -t$'\t' -k2,2nr "$results" | awk -F'\t' 'NR <= 5 {printf "  %6d ms %10d B  %s\n", $2, $3, $4}'
} | sed "s|$dir/node_modules/||" | tee "$dir/report.txt"
[ $((panics + timeouts + crashes)) -eq 0 ]
