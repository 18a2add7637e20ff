#!/usr/bin/env bash
# Builds the VS Code extension: type-check, esbuild bundles (extension + graph webview with mermaid),
# schema, optional bundled server binary, then `vsce package` → flux-lsp-<version>.vsix.
# Usage: build.sh [--with-server PATH/TO/flux-lsp]
set -euo pipefail
cd "$(dirname "$0")"
repo=$(cd ../.. && pwd)
server=""
[ "${1:-}" = "--with-server" ] && server=$2

[ -d node_modules/vscode-languageclient ] && [ -d node_modules/mermaid ] || npm ci --no-audit --no-fund --loglevel=error
npx tsc --noEmit -p .
rm -rf dist server
npx esbuild src/extension.ts --bundle --platform=node --target=node18 --format=cjs \
  --external:vscode --minify --outfile=dist/extension.js --log-level=warning
# The webview gets mermaid from the bundle: no network at runtime.
npx esbuild src/graph.ts --bundle --platform=browser --target=es2020 --format=iife \
  --minify --outfile=dist/graph.js --log-level=warning
# The repository's schema if it has one (written elsewhere); else the minimal one kept here.
if [ -f "$repo/flux.schema.json" ]; then cp "$repo/flux.schema.json" dist/flux.schema.json
else cp schemas/flux.schema.json dist/flux.schema.json; fi
if [ -n "$server" ]; then mkdir -p server && cp "$server" server/flux-lsp && chmod +x server/flux-lsp; fi
version=$(node -p "require('./package.json').version")
# README images are relative to editors/vscode; vsce needs absolute URLs for the marketplace page.
base=https://github.com/flux-lsp/flux-lsp
npx vsce package --no-dependencies --skip-license -o "flux-lsp-$version.vsix" \
  --baseContentUrl "$base/blob/main/editors/vscode" --baseImagesUrl "$base/raw/main/editors/vscode" </dev/null
rm -rf server
ls -l "flux-lsp-$version.vsix"
