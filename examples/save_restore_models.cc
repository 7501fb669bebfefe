// The Keras "Save and restore models" tutorial in C++, on Fashion-MNIST
// (Debian's dataset-fashion-mnist; the first 1000 training and 1000 test
// images, scaled to [0, 1]): checkpoints during training, the newest one
// restored into a fresh model, manual weights, and the whole model in HDF5
// and as a SavedModel.
//
//   save_restore_models [--dir models/fashion] [--samples 1000] [--epochs 50]
//                       [--data /usr/share/datasets/fashion-mnist]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cairn/core/errors.h"
#include "cairn/data/idx.h"
#include "cairn/keras.h"

namespace keras = cairn::keras;
using cairn::Tensor;

namespace {

struct Args {
  std::string dir = "models/fashion";
  std::string data = "/usr/share/datasets/fashion-mnist";
  int64_t samples = 1000;
  int epochs = 50;
};

// Images as float32 [n, 784] in [0, 1]; labels as int64 [n].
std::pair<Tensor, Tensor> load(const Args& args, const std::string& split) {
  Tensor images = cairn::data::read_idx(args.data + "/" + split + "-images-idx3-ubyte.gz",
                                        {.limit = args.samples});
  Tensor labels = cairn::data::read_idx(args.data + "/" + split + "-labels-idx1-ubyte.gz",
                                        {.limit = args.samples});
  const int64_t n = images.shape().dim(0);
  Tensor x(cairn::DType::kFloat32, {n, 28 * 28}), y(cairn::DType::kInt64, {n});
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    x.flat<float>()[static_cast<size_t>(i)] =
        images.flat<uint8_t>()[static_cast<size_t>(i)] / 255.0f;
  }
  for (int64_t i = 0; i < n; ++i)
    y.flat<int64_t>()[static_cast<size_t>(i)] = labels.flat<uint8_t>()[static_cast<size_t>(i)];
  return {x, y};
}

// Returns a short sequential model.
keras::Sequential create_model() {
  keras::Sequential model({
      keras::Dense(512, {.activation = "relu", .input_shape = keras::Shape{784}}),
      keras::Dropout(0.2),
      keras::Dense(10, {.activation = "softmax"}),
  });
  model.compile(
      {.optimizer = "adam", .loss = "sparse_categorical_crossentropy", .metrics = {"accuracy"}});
  return model;
}

void print_accuracy(const char* what, keras::Sequential& model, const Tensor& x, const Tensor& y) {
  const double acc = model.evaluate(x, y, {.verbose = 2}).get("accuracy");
  std::printf("%s, accuracy: %5.2f%%\n", what, 100 * acc);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--dir")) a.dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--data")) a.data = argv[i + 1];
    if (!std::strcmp(argv[i], "--samples")) a.samples = std::stoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--epochs")) a.epochs = std::stoi(argv[i + 1]);
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  try {
    keras::set_random_seed(42);
    auto [train_images, train_labels] = load(args, "train");
    auto [test_images, test_labels] = load(args, "t10k");
    std::filesystem::create_directories(args.dir);

    keras::Sequential model = create_model();
    model.summary();

    // Save checkpoints during training: weights after every epoch.
    const std::string checkpoint_path = args.dir + "/training_1/cp.ckpt";
    auto cp_callback = std::make_shared<keras::ModelCheckpoint>(
        checkpoint_path, keras::ModelCheckpointOptions{.verbose = 1, .save_weights_only = true});
    model.fit(train_images, train_labels,
              {.epochs = 10,
               .validation_data = {{test_images, test_labels}},
               .callbacks = {cp_callback}});

    // A fresh, untrained model: about 10% (chance among 10 classes).
    keras::Sequential fresh = create_model();
    print_accuracy("Untrained model", fresh, test_images, test_labels);
    fresh.load_weights(checkpoint_path);
    print_accuracy("Restored model", fresh, test_images, test_labels);

    // Unique checkpoint names every 5 epochs.
    const std::string dir2 = args.dir + "/training_2";
    auto every_5 = std::make_shared<keras::ModelCheckpoint>(
        dir2 + "/cp-{epoch:04d}.ckpt",
        keras::ModelCheckpointOptions{.verbose = 1, .save_weights_only = true, .period = 5});
    keras::Sequential model2 = create_model();
    model2.fit(train_images, train_labels,
               {.epochs = args.epochs,
                .validation_data = {{test_images, test_labels}},
                .callbacks = {every_5},
                .verbose = 0});
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir2)) {
      files.push_back(entry.path().filename().string());
    }
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) std::cout << f << "\n";
    const std::string latest = keras::latest_checkpoint(dir2).value();
    std::cout << "latest checkpoint: " << latest << "\n";
    keras::Sequential from_latest = create_model();
    from_latest.load_weights(latest);
    print_accuracy("Restored model", from_latest, test_images, test_labels);

    // Manually save weights.
    model2.save_weights(args.dir + "/checkpoints/my_checkpoint");
    keras::Sequential manual = create_model();
    manual.load_weights(args.dir + "/checkpoints/my_checkpoint");
    print_accuracy("Restored model", manual, test_images, test_labels);

    // The entire model: architecture, weights and optimizer state, in HDF5.
    model2.save(args.dir + "/my_model.h5");
    keras::Sequential new_model = keras::load_model(args.dir + "/my_model.h5");
    new_model.summary();
    print_accuracy("Restored model", new_model, test_images, test_labels);

    // The entire model as a SavedModel, in a new saved_models/<timestamp>/
    // (tf.contrib.saved_model.save_keras_model / load_keras_model).
    keras::Sequential model3 = create_model();
    model3.fit(train_images, train_labels, {.epochs = 5});
    const std::string saved_model_path =
        keras::save_keras_model(model3, args.dir + "/saved_models");
    std::cout << saved_model_path << "\n";
    keras::Sequential new_model2 = keras::load_model(saved_model_path);
    // The optimizer was not restored, re-attach a new one.
    new_model2.compile(
        {.optimizer = "adam", .loss = "sparse_categorical_crossentropy", .metrics = {"accuracy"}});
    print_accuracy("Restored model", new_model2, test_images, test_labels);
  } catch (const cairn::Error& e) {
    std::cerr << "save_restore_models: " << e.code_name() << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
