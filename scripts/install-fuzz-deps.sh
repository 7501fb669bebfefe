#!/usr/bin/env bash
# Installs what `make fuzz` needs beyond scripts/install-deps.sh: clang and
# LLVM's libFuzzer + sanitizer runtimes (Debian 12: clang 14). Kept apart so
# `make test` does not pull in a second compiler. Does nothing when present.
set -euo pipefail
exec bash "$(dirname "$0")/install-deps.sh" clang libclang-rt-14-dev
