#!/usr/bin/env bash
# Installs the JavaScript runtimes the export interop tests load our files in
# (onnxruntime-node for ONNX, @tensorflow/tfjs for TensorFlow.js layers
# models) into .cache/node, a git-ignored folder of the checkout. Pure-JS
# tfjs only: never tfjs-node, whose install downloads a native library.
# Safe to run repeatedly; does nothing when the pinned versions are present.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=.cache/node
pins=("onnxruntime-node@1.30.0" "@tensorflow/tfjs@4.22.0")

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node/npm not found: skipping the JavaScript runtimes (the ONNX and" \
       "TensorFlow.js interop tests will skip)"
  exit 0
fi

# The version a package.json under $prefix declares, or nothing.
installed_version() {
  local manifest="$prefix/node_modules/$1/package.json"
  [ -f "$manifest" ] || return 0
  node -e 'process.stdout.write(require(process.argv[1]).version)' "$PWD/$manifest"
}

missing=()
for pin in "${pins[@]}"; do
  name="${pin%@*}"
  version="${pin##*@}"
  if [ "$(installed_version "$name")" != "$version" ]; then missing+=("$pin"); fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing into $prefix: ${missing[*]}"
mkdir -p "$prefix"
# onnxruntime-node's package ships the CPU binaries; skip its download step.
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --save-exact \
  --prefix "$prefix" "${pins[@]}"
