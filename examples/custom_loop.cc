// TensorFlow's "Training checkpoints" guide in C++: a custom training loop
// that saves with a Checkpoint and a CheckpointManager, and resumes.
//
//   custom_loop [--dir ./tf_ckpts]   # first run: "Initializing from scratch."
//   custom_loop [--dir ./tf_ckpts]   # second run: "Restored from ./tf_ckpts/ckpt-5"
//
// A Dense(5) learns y = 5x + [0, 1, 2, 3, 4] on x = 0..9 in batches of two,
// with Adam(0.1) and the mean absolute error. Every 10 steps the manager
// writes ./tf_ckpts/ckpt-N, keeping the newest three. TensorFlow reads the
// directory (tf.train.Checkpoint(step=..., optimizer=..., net=...)), and
// this program reads the directories TensorFlow writes for the same objects.
#include <cstdio>
#include <iostream>
#include <string>

#include "cairn/checkpoint/checkpoint.h"
#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/core/errors.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/trackable.h"

namespace keras = cairn::keras;

namespace {

// The guide's toy dataset, repeated: batch `b` of two rows.
std::pair<cairn::Tensor, cairn::Tensor> toy_batch(int64_t b) {
  cairn::Tensor x(cairn::DType::kFloat32, {2, 1}), y(cairn::DType::kFloat32, {2, 5});
  for (int i = 0; i < 2; ++i) {
    const auto v = static_cast<float>((2 * b + i) % 10);
    x.flat<float>()[static_cast<size_t>(i)] = v;
    for (int j = 0; j < 5; ++j) y.flat<float>()[static_cast<size_t>(i * 5 + j)] = 5 * v + j;
  }
  return {x, y};
}

// 50 steps of the loop, resuming from the newest checkpoint in `dir`.
void train_and_checkpoint(const std::string& dir) {
  keras::Sequential net({keras::Dense(5, {.input_shape = keras::Shape{1}})});
  net.compile({.optimizer = keras::Adam{.learning_rate = 0.1}, .loss = "mae"});
  cairn::Tensor step = cairn::Tensor::scalar<int32_t>(1);
  cairn::Checkpoint ckpt(
      {{"step", step}, {"optimizer", keras::optimizer_trackable(net)}, {"net", net}});
  cairn::CheckpointManager manager(ckpt, {.directory = dir, .max_to_keep = 3});

  if (std::optional<std::string> restored = manager.restore_or_initialize()) {
    std::cout << "Restored from " << *restored << "\n";
  } else {
    std::cout << "Initializing from scratch.\n";
  }
  for (int i = 0; i < 50; ++i) {
    auto [x, y] = toy_batch(net.optimizer()->iterations());
    const double loss = net.train_on_batch(x, y).get("loss");
    int32_t& s = step.flat<int32_t>()[0];
    s += 1;
    if (s % 10 == 0) {
      std::cout << "Saved checkpoint for step " << s << ": " << manager.save().value() << "\n";
      std::printf("loss %1.2f\n", loss);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "./tf_ckpts";
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::cerr << "usage: custom_loop [--dir DIR]\n";
      return 2;
    }
  }
  try {
    train_and_checkpoint(dir);
  } catch (const cairn::Error& e) {
    std::cerr << "custom_loop: " << e.code_name() << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
