// TensorFlow's custom_estimator.py in C++: an Estimator whose model_fn builds
// Iris's network from Keras layers (two Dense(10, relu) layers and 3
// logits), minimised with Adagrad(0.1), evaluated by accuracy. Its model
// directory behaves as the canned DNNClassifier's: running it again resumes.
//
//   custom_estimator [--model-dir models/custom_iris] [--steps 1000] [--data-dir data] [--seed S]
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include "cairn/core/errors.h"
#include "cairn/estimator/csv_input.h"
#include "cairn/estimator/estimator.h"
#include "cairn/io/file_system.h"
#include "cairn/keras.h"

namespace ce = cairn::estimator;
namespace keras = cairn::keras;
using cairn::data::numeric_column;

// The model_fn of custom_estimator.py.
ce::EstimatorSpec my_model(ce::Features& features, const ce::Labels& labels, ce::ModeKeys mode,
                           const ce::Params& params) {
  keras::KerasTensor net = ce::input_layer(features);
  for (int64_t units : params["hidden_units"]) {
    net = keras::Dense(units, {.activation = "relu"})(net);
  }
  keras::KerasTensor logits = keras::Dense(params["n_classes"].get<int64_t>())(net);
  ce::Output predicted_classes = ce::argmax(logits);
  if (mode == ce::ModeKeys::kPredict) {
    return {.mode = mode,
            .predictions = {{"class_ids", predicted_classes},
                            {"probabilities", ce::softmax(logits)},
                            {"logits", logits}}};
  }
  return {.mode = mode,
          .loss = ce::losses::sparse_softmax_cross_entropy(labels, logits),
          .optimizer = ce::OptimizerSettings{.name = "Adagrad", .learning_rate = 0.1},
          .eval_metric_ops = {{"accuracy", ce::metrics::accuracy(labels, predicted_classes)}}};
}

int main(int argc, char** argv) {
  std::string model_dir = "models/custom_iris", data_dir = "data";
  int64_t steps = 1000;
  std::optional<uint64_t> seed;  // unset: fresh weights each run, as TensorFlow's
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--model-dir")) model_dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--steps")) steps = std::stoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--data-dir")) data_dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--seed")) seed = std::stoull(argv[i + 1]);
  }
  try {
    const std::vector<cairn::data::NumericColumn> columns = {
        numeric_column("SepalLength"), numeric_column("SepalWidth"), numeric_column("PetalLength"),
        numeric_column("PetalWidth")};
    ce::Estimator classifier(my_model, {.model_dir = model_dir,
                                        .config = {.tf_random_seed = seed},
                                        .params = {{"hidden_units", {10, 10}}, {"n_classes", 3}},
                                        .feature_columns = columns});
    auto train = ce::read_csv_input(data_dir + "/iris_training.csv", 4);
    auto test = ce::read_csv_input(data_dir + "/iris_test.csv", 4);

    classifier.train(
        [&] { return ce::make_dataset(train, columns).shuffle(1000, 0).repeat().batch(100); },
        {.steps = steps});
    auto metrics = classifier.evaluate([&] { return ce::make_dataset(test, columns).batch(100); });
    std::printf("\nTest set accuracy: %.3f\n\n", metrics["accuracy"]);

    // TensorFlow's three sample flowers.
    ce::CsvInput samples;
    samples.features.resize(3, 4);
    samples.features << 5.1f, 3.3f, 1.7f, 0.5f, 5.9f, 3.0f, 4.2f, 1.5f, 6.9f, 3.1f, 5.4f, 2.1f;
    samples.labels.resize(3, 0);
    const char* expected[] = {"Setosa", "Versicolor", "Virginica"};
    const char* species[] = {"Setosa", "Versicolor", "Virginica"};
    auto predictions =
        classifier.predict([&] { return ce::make_dataset(samples, columns).batch(100); });
    for (size_t i = 0; i < predictions.size(); ++i) {
      const auto& p = predictions[i];
      std::printf("Prediction is \"%s\" (%.1f%%), expected \"%s\"\n", species[p.class_id],
                  100.0 * p.probabilities[static_cast<size_t>(p.class_id)], expected[i]);
    }
    std::printf("\n$ ls -1 %s\n", model_dir.c_str());
    for (const auto& name :
         cairn::value_or_throw(cairn::default_file_system().list_directory(model_dir))) {
      if (name[0] != '.') std::printf("%s\n", name.c_str());  // as ls: the lock file is hidden
    }
  } catch (const cairn::Error& e) {
    std::cerr << "custom_estimator: " << e.code_name() << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
