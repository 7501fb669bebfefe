#!/bin/sh
# The ctest of examples/fashion_cnn.cc, on the first 64 images (one batch):
#   fashion_cnn_test.sh FASHION_CNN CAIRN WORK_DIR
# 1. One epoch writes DIR/cp-0001.ckpt and prints the test accuracy.
# 2. Run again for two epochs, it restores cp-0001.ckpt, trains epoch 2 only
#    and writes cp-0002.ckpt, equal (`cairn diff`) to that of a straight
#    two-epoch run: weights, Adam's slots and the epoch's shuffle all resume.
# 3. Run a third time, it has nothing to train and still prints the accuracy.
# No backup directory is left after a fit() that completed.
set -u
fashion_cnn=$1 cairn=$2 work=$3
dir=$work/resumed straight=$work/straight
fail() { echo "fashion_cnn_test: $*" >&2; exit 1; }
run() { out=$1; shift; "$fashion_cnn" --samples 64 "$@" > "$out" || fail "fashion_cnn $* failed: $(cat "$out")"; }

rm -rf "$work"
mkdir -p "$work" || fail "cannot create $work"
run "$work/first.out" --dir "$dir" --epochs 1
test -f "$dir/cp-0001.ckpt.index" || fail "no $dir/cp-0001.ckpt after one epoch"
test -e "$dir/cp-0002.ckpt.index" && fail "cp-0002.ckpt after one epoch"
grep -q '^Test accuracy: 0\.[0-9]*$' "$work/first.out" || fail "no test accuracy in $work/first.out"

run "$work/second.out" --dir "$dir" --epochs 2
grep -q "^Restored $dir/cp-0001.ckpt: 1 epoch trained$" "$work/second.out" ||
  fail "the second run did not restore cp-0001.ckpt ($work/second.out)"
grep -q '^Epoch 1/2' "$work/second.out" && fail "the second run trained epoch 1 again"
grep -q '^Epoch 2/2' "$work/second.out" || fail "the second run did not train epoch 2"
test -f "$dir/cp-0002.ckpt.index" || fail "no $dir/cp-0002.ckpt after the second run"

run "$work/straight.out" --dir "$straight" --epochs 2
"$cairn" diff "$dir/cp-0002.ckpt" "$straight/cp-0002.ckpt" > "$work/diff.out" ||
  fail "resumed and straight runs differ: $(cat "$work/diff.out")"

run "$work/third.out" --dir "$dir" --epochs 2
grep -q '^Nothing to train: 2 of 2 epochs done$' "$work/third.out" || fail "the third run trained"
grep -q '^Test accuracy: ' "$work/third.out" || fail "no test accuracy in $work/third.out"
test -e "$dir/backup" && fail "$dir/backup left after a completed fit()"
exit 0
