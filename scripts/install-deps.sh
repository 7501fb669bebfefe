#!/usr/bin/env bash
# Installs the Debian 12 packages cairn needs to build and test, when missing.
# Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail

# With arguments, installs those packages instead (scripts/install-fuzz-deps.sh).
packages=(
  cmake ninja-build g++ make pkg-config lld
  libleveldb-dev libsnappy-dev
  libprotobuf-dev protobuf-compiler
  nlohmann-json3-dev libcli11-dev libeigen3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format
  libhdf5-dev zlib1g-dev dataset-fashion-mnist
  libzip-dev  # Keras 3 .keras files (src/formats/zip)
  libopenblas-dev  # the layers' matrix products (src/nn/gemm.cc)
  libcairo2-dev fonts-dejavu-core  # `cairn plot`'s charts (src/plot), and a font for their text
  openmpi-bin libopenmpi-dev  # `mpirun` and the MPI library of the process group (src/distribute)
  # Independent readers used by the interoperability tests (/usr/bin/python3).
  python3 python3-crc32c python3-snappy python3-protobuf python3-h5py python3-numpy python3-onnx
)
if [ $# -gt 0 ]; then packages=("$@"); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
