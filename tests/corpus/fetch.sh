#!/usr/bin/env bash
# fetch.sh -- re-download flux-lsp's own labelled corpus (tests/corpus) for the
# "state that blocks replication" checker; same behaviour as ../shared/corpus/fetch.sh.
#
# Usage: bash fetch.sh [DEST_DIR]
#   DEST_DIR defaults to a fresh `mktemp -d`.
#
# For every pinned package version listed below it runs `npm pack NAME@VERSION`
# (this only downloads the published tarball; --ignore-scripts is passed as well),
# extracts it into DEST_DIR/<name>-<version>/ (scope '@' dropped, '/' -> '-'),
# and checks the sha256 of every labelled file against the manifest values
# embedded below (identical to manifest.json beside this script). Nothing is installed, built or run.
#
# Labelled file F of package P@V ends up at DEST_DIR/<P sanitised>-<V>/F,
# e.g. DEST_DIR/hocuspocus-server-2.15.2/package/src/Hocuspocus.ts
#
# Progress goes to stderr; on success the only line on stdout is DEST_DIR.
# Exit status is non-zero if a download fails or any checksum does not match.
set -euo pipefail

DEST="${1:-}"
if [ -z "$DEST" ]; then
  DEST="$(mktemp -d)"
fi
mkdir -p "$DEST"
DEST="$(cd "$DEST" && pwd)"

for tool in npm tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fetch.sh: '$tool' not found" >&2; exit 2; }
done
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
  echo "fetch.sh: need sha256sum or shasum" >&2; exit 2
fi

PACKAGES=(
  "ws@8.18.3"
  "memorystore@1.6.7"
  "socket.io-adapter@2.5.5"
  "toobusy-js@0.5.1"
  "rate-limiter-flexible@5.0.5"
  "livereload@0.10.3"
  "sockjs@0.3.24"
  "engine.io@6.6.4"
  "webpack-hot-middleware@2.26.1"
  "sse-channel@4.0.0"
  "@hocuspocus/server@2.15.2"
  "@cuencor/backend-auth@0.0.7"
  "nest-status-monitor@0.1.4"
)

# sanitised-dir|path-inside-tarball|sha256
FILES=(
  "ws-8.18.3|package/lib/websocket-server.js|fe8a410e89325608dc94d09778a2650bf041b9b7f5dff61d5005ea111e09a508"
  "memorystore-1.6.7|package/lib/memorystore.js|e853a80159f10a2b3d0654cd4be4716a49920d6491fe0161bace957ff02f1de6"
  "socket.io-adapter-2.5.5|package/dist/in-memory-adapter.js|ed6d71a743fa754bd77315a831610ab76286132337f92098ecc0a40c9028a577"
  "toobusy-js-0.5.1|package/toobusy.js|fdefee5617025daa391bf343209c515953dd279d30b1e28a83ef6b0396ef4983"
  "rate-limiter-flexible-5.0.5|package/lib/RateLimiterCluster.js|337202020ce43c71643e59d26f417cc341f4f92633ecaa4116ee11bcd267a647"
  "livereload-0.10.3|package/lib/livereload.js|c30cb02b82bf167c3f4faa4a1e10d589a566622ee3055316cdf89be7d309bbce"
  "sockjs-0.3.24|package/lib/transport.js|e7bf8914ae37eab8f7c7f1b0709a094aefea1b395a8c4be42404872f50c1f758"
  "engine.io-6.6.4|package/build/server.js|18b0a49b90d52b029e1fc1fc2f33c7fecab89e29d6a81a3499accf1ea1cf446a"
  "webpack-hot-middleware-2.26.1|package/middleware.js|229e11e63781e0d1d2940da38192516d58aa2def54fbcbc745e112b80567eda7"
  "sse-channel-4.0.0|package/lib/sse-channel.js|e58aa9794e5f3a5e5e002360030543e627285082e5dd213bacb1e2f790fbaac9"
  "hocuspocus-server-2.15.2|package/src/Hocuspocus.ts|9c280002b0da1130e28158d1e03eb814e0956625837e2a6f46a0e0aa7e979fcd"
  "hocuspocus-server-2.15.2|package/src/Server.ts|0d335752fb6fe973c0c5d921afdbad4314849f396d3b66b91eabe20ecc5b9ebd"
  "cuencor-backend-auth-0.0.7|package/src/lib/interceptors/audit-log.interceptor.ts|ea23d3fd103ec39553230b8295419db5fcc08394165c11db0e046cc79f95cde8"
  "cuencor-backend-auth-0.0.7|package/src/lib/middleware/tenant.middleware.ts|314ac53aafbb7d8a2333ab8d5b2945acdafee00ebd7a35073ddec0729c06f6ae"
  "nest-status-monitor-0.1.4|package/src/status.monitoring.service.ts|da2576910460eab92f1e6ba2bba3f24a5fd042b4c4b3694cccc12689b527ce29"
  "nest-status-monitor-0.1.4|package/src/status.monitor.controller.ts|2ddd216571c63dcc8c501a7bb1dad90eaef36d2766e2b4ad8296b0af9c0e0154"
  "nest-status-monitor-0.1.4|package/src/status.monitor.gateway.ts|3dda71bae657049d8c273565009511d3fd4654712c340790e57d2f3200e87c6f"
  "nest-status-monitor-0.1.4|package/src/health.check.service.ts|f02c42e8b904979e9ebc3ae749e4b969e7102f2a6bd331d2889ac238625a33ba"
  "nest-status-monitor-0.1.4|package/src/status.monitor.middleware.ts|97b90fc3dfac88b1660901c42b08dfcca738b1d2df997eaf0bd39a0e984f3f64"
)

sanitise() { local s="${1#@}"; echo "${s//\//-}"; }

TARBALLS="$DEST/.tarballs"
mkdir -p "$TARBALLS"
for spec in "${PACKAGES[@]}"; do
  name="${spec%@*}"; version="${spec##*@}"
  dir="$DEST/$(sanitise "$name")-$version"
  if [ -d "$dir/package" ]; then
    echo "have    $spec" >&2
    continue
  fi
  echo "pack    $spec" >&2
  tgz="$(cd "$TARBALLS" && npm pack "$spec" --ignore-scripts --silent 2>/dev/null | tail -n 1)"
  if [ -z "$tgz" ] || [ ! -f "$TARBALLS/$tgz" ]; then
    echo "fetch.sh: npm pack failed for $spec" >&2; exit 1
  fi
  mkdir -p "$dir"
  tar -xzf "$TARBALLS/$tgz" -C "$dir"
done

fail=0
for entry in "${FILES[@]}"; do
  IFS='|' read -r dir file want <<<"$entry"
  path="$DEST/$dir/$file"
  if [ ! -f "$path" ]; then
    echo "MISSING $dir/$file" >&2; fail=1; continue
  fi
  got="$(sha256 "$path")"
  if [ "$got" = "$want" ]; then
    echo "ok      $dir/$file" >&2
  else
    echo "BADSUM  $dir/$file (got $got, want $want)" >&2; fail=1
  fi
done
if [ "$fail" -ne 0 ]; then
  echo "fetch.sh: verification FAILED" >&2; exit 1
fi
echo "fetch.sh: ${#FILES[@]} files verified" >&2
echo "$DEST"
