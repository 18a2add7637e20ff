#!/usr/bin/env bash
# Renders the fluxion graph of an app (default: examples/chat-server) to SVG
# with `flux-lsp graph --format svg`, then to PNG with headless Chromium:
#   scripts/screenshot-graph.sh [APP_DIR] [OUT.png]
# Installs Chromium with apt-get when it is missing (Debian/Ubuntu, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
APP=${1:-examples/chat-server}
PNG=${2:-target/graph.png}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
mkdir -p "$(dirname "$PNG")"
SVG="${PNG%.png}.svg"
cargo run --quiet --release -- graph "$APP" --format svg --output "$SVG"

CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then
  apt-get update -qq && apt-get install -y -qq chromium
  CHROME=$(command -v chromium)
fi
# The window fits the picture: its size is in the SVG's root element.
W=$(grep -o 'width="[0-9.]*"' "$SVG" | sed -n 1p | grep -o '[0-9.]*' | cut -d. -f1)
H=$(grep -o 'height="[0-9.]*"' "$SVG" | sed -n 1p | grep -o '[0-9.]*' | cut -d. -f1)
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
"$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
  --user-data-dir="$PROFILE" --window-size="$((W + 16)),$((H + 16))" \
  --screenshot="$(realpath "$PNG")" "file://$(realpath "$SVG")" 2>/dev/null
echo "$PNG (${W}x${H}) from $SVG"
