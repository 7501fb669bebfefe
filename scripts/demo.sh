#!/usr/bin/env bash
# `make demo`, the main job: TensorFlow's premade_estimator program in C++.
# Trains a DNNClassifier [10, 10] on data/iris_training.csv into models/iris
# (resuming from the newest checkpoint when run again), evaluates it on
# data/iris_test.csv, predicts TensorFlow's three sample flowers and lists
# the model directory; then shows the newest checkpoint with `cairn inspect`
# and checks every checksum of every checkpoint with `cairn verify`.
set -euo pipefail
build=${1:-build}
"$build/bin/premade_estimator" --model-dir models/iris --steps 1000 --data-dir data
echo
echo "\$ cairn inspect models/iris"
"$build/bin/cairn" inspect models/iris
echo
echo "\$ cat models/iris/checkpoint"
cat models/iris/checkpoint
echo
echo "\$ cairn verify models/iris"
"$build/bin/cairn" verify models/iris
