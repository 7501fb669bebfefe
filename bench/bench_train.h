// `cairn-bench train`: how fast cairn trains three reference models on this
// CPU, through the code path a user calls, and what checkpointing every epoch
// costs. scripts/bench/train_torch.py measures PyTorch the same way.
//
//   cairn-bench train --model iris --threads 1 --seconds 3
//   iris: 4-10-10-3 DNNClassifier (Adagrad 0.05) via Estimator::train, batch 100, 1 thread:
//         5123.4 steps/s, 512340 samples/s, 0.48 GFLOP/s (94000 FLOP/step)
//   cairn-bench train --model cnn --threads 1 --json
//   {"model": "cnn", ..., "conv_gflops": .., "conv_best_window_gflops": ..}
//   cairn-bench train --model mlp --json
//   {"model": "mlp", "threads": 2, "batch": 256, "steps_per_s": .., "samples_per_s": ..,
//    "gflops": .., "flops_per_step": .., "flops_formula": "..", "code_path": ".."}
//   cairn-bench train --model mnist --epochs 3 --checkpoint async --dir /tmp/ck --json
//   {..., "epoch_seconds": [..], "save_blocking_seconds": [..], "save_total_seconds": [..]}
//
// Models:
//   iris   DNNClassifier hidden [10, 10] (relu), 4 features, 3 classes, batch 100,
//          Adagrad lr 0.05 (its default), 120 synthetic examples; Estimator::train
//          with the default RunConfig (summaries and step logs every 100 steps,
//          a checkpoint after the first and the last step).
//   mnist  Sequential 784-512(relu)-Dropout(0.2)-10(softmax), batch 32, Adam lr 1e-3,
//          sparse categorical cross-entropy, Fashion-MNIST (scaled to [0, 1]);
//          Sequential::fit.
//   mlp    Sequential 784-4096(relu)-4096(relu)-10(softmax), batch 256, SGD lr 0.01,
//          2048 random samples; Sequential::fit.
//   cnn    Sequential Conv2D 32 3x3 relu, MaxPooling2D 2, Conv2D 64 3x3 relu,
//          MaxPooling2D 2, Flatten, Dense 128 relu, Dense 10 softmax, batch 64,
//          Adam lr 1e-3, Fashion-MNIST as 28x28x1 images; Sequential::fit. Then
//          the two Conv2D layers alone, forward and backward as fit() runs them,
//          for as long again: "conv_gflops" and "conv_best_window_gflops" (the
//          figure the benchmark sets against `cairn-bench gemm`).
//   lstm   Sequential Embedding 10000->64, LSTM 128, Dense 1 sigmoid, batch 64,
//          Adam lr 1e-3, binary cross-entropy, 2048 random sequences of 200 ids
//          with random labels; Sequential::fit.
// Speed runs train until --seconds have passed (Keras runs: and at least 10
// steps were timed) after a warm-up (at least 0.3 s
// and 3 steps, 100 steps for iris) that is not timed. Checkpoint runs (mnist,
// --epochs) fit whole epochs with a keras::ModelCheckpoint saving the weights
// to DIR/cp-{epoch:04d}.ckpt after each (sync or async_save), or none.
//
// Keras runs also split the timed steps into 5 windows of consecutive steps
// ("window_gflops"); the best window ("best_window_gflops") is what the
// benchmark compares with `cairn-bench gemm`, itself the best of 5 products.
//
// Under `mpirun -np N` (mnist and mlp speed runs only) the N ranks train one
// model data-parallel (Sequential::set_process_group with the job's Open MPI
// group): --batch (default the model's) is the global batch, each rank
// trains on its slice, and every rank times its all_reduce_sum calls. Rank 0
// prints, with "ranks", "batch_per_rank", "all_reduce_seconds_per_step" and
// "all_reduce_share" (of the timed seconds; "all_reduce_share_by_rank" for
// every rank): the gradients' all-reduce, waits for the slower rank included.
//
//   mpirun -np 2 cairn-bench train --model mnist --threads 1 --json
//
// FLOPs per step count what training must do: per layer with weights doing m
// multiply-adds per sample (Dense: in × out; Conv2D: output positions × kh·kw·in
// × filters; LSTM: timesteps × (features + units) × 4·units; Embedding: 0) and
// batch B, 2·B·m forward, as much for the kernel gradient, and as much for the
// input gradient except in the first layer (which cairn skips). Elementwise
// work (activations, pooling, the optimizer) is not counted.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace cairn::bench {

struct BenchTrainCommand {
  std::string model;  // iris, mnist, mlp, cnn, lstm
  int threads = 0;    // 0: the default (see cairn/nn/gemm.h)
  double seconds = 3.0;
  int epochs = 0;                   // > 0: a checkpoint run of this many epochs
  std::string checkpoint = "none";  // none, sync, async (checkpoint runs)
  std::string dir;                  // where checkpoint runs save
  int64_t samples = 0;              // Keras models: train on the first N examples only (0: all)
  int batch = 0;                    // Keras speed runs: the (global) batch (0: the model's)
  bool json = false;
};

// The exit code: 0, or 1 with "cairn-bench train: CODE: message" on `err`.
int run_bench_train(const BenchTrainCommand& cmd, std::ostream& out, std::ostream& err);

}  // namespace cairn::bench
