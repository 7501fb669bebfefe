// A convolutional network on Fashion-MNIST (Debian's dataset-fashion-mnist:
// 60000 training and 10000 test images of 28x28 grey pixels, scaled to
// [0, 1]), trained with Keras's two checkpointing callbacks:
// ModelCheckpoint writes the weights after every epoch (DIR/cp-0001.ckpt,
// ...), BackupAndRestore keeps DIR/backup while fit() runs. Run again, it
// goes on from where it stopped: from the backup when the last run was
// killed mid-epoch, else from the newest cp-NNNN.ckpt.
//
//   fashion_cnn --dir DIR --epochs N [--samples K]
//               [--data /usr/share/datasets/fashion-mnist]
//
// --samples K uses the first K training and K test images. Prints the
// model's summary, one line per epoch and "Test accuracy: X".
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "cairn/core/errors.h"
#include "cairn/data/idx.h"
#include "cairn/keras.h"

namespace keras = cairn::keras;
using cairn::Tensor;

namespace {

struct Args {
  std::string dir;
  std::string data = "/usr/share/datasets/fashion-mnist";
  int64_t samples = 0;  // 0: all
  int epochs = 0;
};

constexpr const char* kUsage =
    "usage: fashion_cnn --dir DIR --epochs N [--samples K] [--data FASHION_MNIST_DIR]\n";

// Nothing for a missing --dir or --epochs, an unknown flag or a bad number.
std::optional<Args> parse(int argc, char** argv) try {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--dir")) {
      a.dir = argv[i + 1];
    } else if (!std::strcmp(argv[i], "--data")) {
      a.data = argv[i + 1];
    } else if (!std::strcmp(argv[i], "--samples")) {
      a.samples = std::stoll(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--epochs")) {
      a.epochs = std::stoi(argv[i + 1]);
    } else {
      return std::nullopt;
    }
  }
  if (argc % 2 == 0 || a.dir.empty() || a.epochs < 1 || a.samples < 0) return std::nullopt;
  return a;
} catch (const std::logic_error&) {  // std::stoi's invalid_argument, out_of_range
  return std::nullopt;
}

// Images as float32 [n, 28, 28, 1] in [0, 1]; labels as int64 [n].
std::pair<Tensor, Tensor> load(const Args& args, const std::string& split) {
  const Tensor images = cairn::data::read_idx(args.data + "/" + split + "-images-idx3-ubyte.gz",
                                              {.limit = args.samples});
  const Tensor labels = cairn::data::read_idx(args.data + "/" + split + "-labels-idx1-ubyte.gz",
                                              {.limit = args.samples});
  const int64_t n = images.shape().dim(0);
  Tensor x(cairn::DType::kFloat32, {n, 28, 28, 1}), y(cairn::DType::kInt64, {n});
  std::span<const uint8_t> pixels = images.flat<uint8_t>();
  std::span<float> scaled = x.flat<float>();
  for (size_t i = 0; i < scaled.size(); ++i) scaled[i] = static_cast<float>(pixels[i]) / 255.0f;
  std::span<const uint8_t> classes = labels.flat<uint8_t>();
  std::span<int64_t> targets = y.flat<int64_t>();
  for (size_t i = 0; i < targets.size(); ++i) targets[i] = classes[i];
  return {std::move(x), std::move(y)};
}

keras::Sequential create_model() {
  keras::Sequential model({
      keras::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = keras::Shape{28, 28, 1}}),
      keras::MaxPooling2D({2, 2}),
      keras::Conv2D(64, {3, 3}, {.activation = "relu"}),
      keras::MaxPooling2D({2, 2}),
      keras::Flatten(),
      keras::Dense(128, {.activation = "relu"}),
      keras::Dense(10, {.activation = "softmax"}),
  });
  model.compile(
      {.optimizer = "adam", .loss = "sparse_categorical_crossentropy", .metrics = {"accuracy"}});
  return model;
}

// The epoch a "DIR/cp-0007.ckpt" prefix was saved after (7).
int epoch_of(const std::string& prefix) {
  const size_t at = prefix.rfind("cp-");
  if (at == std::string::npos) {
    throw cairn::InvalidArgumentError("fashion_cnn: " + prefix + " is not a cp-NNNN.ckpt prefix");
  }
  return std::stoi(prefix.substr(at + 3));
}

// Says, once BackupAndRestore has looked at its directory, whether fit()
// resumes an interrupted run (put it after the BackupAndRestore).
class ReportBackup : public keras::Callback {
 public:
  ReportBackup(std::shared_ptr<keras::BackupAndRestore> backup, std::string dir)
      : backup_(std::move(backup)), dir_(std::move(dir)) {}
  void on_train_begin(const keras::Logs& /*logs*/) override {
    if (std::optional<int> epoch = backup_->resume_epoch()) {
      std::printf("Resuming the interrupted run from its backup in %s at epoch %d\n", dir_.c_str(),
                  *epoch + 1);
    }
  }

 private:
  std::shared_ptr<keras::BackupAndRestore> backup_;
  std::string dir_;
};

// Loads the newest cp-NNNN.ckpt into `model`; the number of epochs it holds
// (0 when there is none).
int restore_newest_checkpoint(keras::Sequential& model, const std::string& dir) {
  const std::optional<std::string> newest = keras::latest_checkpoint(dir);
  if (!newest) return 0;
  model.load_weights(*newest);
  const int epochs = epoch_of(*newest);
  std::printf("Restored %s: %d epoch%s trained\n", newest->c_str(), epochs, epochs == 1 ? "" : "s");
  return epochs;
}

void train(keras::Sequential& model, const Args& args, const Tensor& x, const Tensor& y) {
  const int done = restore_newest_checkpoint(model, args.dir);
  auto checkpoint = std::make_shared<keras::ModelCheckpoint>(
      args.dir + "/cp-{epoch:04d}.ckpt",
      keras::ModelCheckpointOptions{.verbose = 1, .save_weights_only = true});
  const std::string backup_dir = args.dir + "/backup";
  auto backup = std::make_shared<keras::BackupAndRestore>(backup_dir);
  if (done >= args.epochs && !std::filesystem::exists(backup_dir)) {
    std::printf("Nothing to train: %d of %d epochs done\n", done, args.epochs);
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  model.fit(x, y,
            {.epochs = args.epochs,
             .batch_size = 64,
             .callbacks = {backup, std::make_shared<ReportBackup>(backup, backup_dir), checkpoint},
             .verbose = 2,
             .initial_epoch = std::min(done, args.epochs)});
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("Trained in %.1f s\n", took.count());
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Args> args = parse(argc, argv);
  if (!args) {
    std::cerr << kUsage;
    return 2;
  }
  try {
    keras::set_random_seed(42);
    auto [train_images, train_labels] = load(*args, "train");
    auto [test_images, test_labels] = load(*args, "t10k");
    std::filesystem::create_directories(args->dir);
    keras::Sequential model = create_model();
    model.summary();
    train(model, *args, train_images, train_labels);
    const double accuracy =
        model.evaluate(test_images, test_labels, {.batch_size = 256, .verbose = 0}).get("accuracy");
    std::printf("Test accuracy: %.4f\n", accuracy);
  } catch (const cairn::Error& e) {
    std::cerr << "fashion_cnn: " << e.code_name() << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
