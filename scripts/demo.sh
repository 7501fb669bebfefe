#!/usr/bin/env bash
# `make demo`, the main job: TensorFlow's premade_estimator program in C++.
# Trains a DNNClassifier [10, 10] on data/iris_training.csv into models/iris
# (resuming from the newest checkpoint when run again), evaluates it on
# data/iris_test.csv, predicts TensorFlow's three sample flowers and lists
# the model directory; then shows the newest checkpoint with `cairn inspect`
# and checks every checksum of every checkpoint with `cairn verify`, draws
# the loss and accuracy curves into models/iris/curves.png; finally
# exports the model for serving (SavedModel, ONNX, TensorFlow.js) into
# models/iris_serving and runs the SavedModel on the test rows.
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
echo
echo "\$ cairn plot models/iris -o models/iris/curves.png --tags loss,accuracy"
"$build/bin/cairn" plot models/iris -o models/iris/curves.png --tags loss,accuracy
echo
echo "\$ cairn export models/iris --format saved_model|onnx|tfjs --out models/iris_serving/..."
"$build/bin/cairn" export models/iris --format saved_model --out models/iris_serving/saved_model
"$build/bin/cairn" export models/iris --format onnx --out models/iris_serving/iris.onnx
"$build/bin/cairn" export models/iris --format tfjs --out models/iris_serving/tfjs
echo
echo "\$ cairn predict models/iris_serving/saved_model --data data/iris_test.csv | sed -n 1,3p"
"$build/bin/cairn" predict models/iris_serving/saved_model --data data/iris_test.csv | sed -n 1,3p
echo
echo "\$ ls -R models/iris_serving"
ls -R models/iris_serving
