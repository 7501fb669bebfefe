#!/usr/bin/env bash
# Installs the Debian packages `make bench` needs for cairn's peers (PyTorch, NumPy,
# h5py, for /usr/bin/python3; fio, the disk's own limit), when missing. Idempotent: prints what it finds and
# installs only what is absent. Not used by `make test` (python3-torch is large).
set -euo pipefail

packages=(python3-torch python3-numpy python3-h5py fio)

missing=()
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "install-bench-deps: $p already installed"
  else
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-bench-deps: nothing to install"
  exit 0
fi

echo "install-bench-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-bench-deps: done"
