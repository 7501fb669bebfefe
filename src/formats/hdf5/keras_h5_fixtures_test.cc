// Reads every Keras HDF5 file in ../shared/fixtures (Keras 2.1.1, 2.2.4-tf,
// 2.3.1, 2.14 and 3.10; whole models and weights only; fixed- and
// variable-length names) and checks the attributes, dataset paths, dtypes,
// shapes and leading values that EXPECTED_DETAIL.md lists, then rewrites each
// file with our writer and reads it back unchanged. Skips when ../shared is
// absent; fixtures are never copied into the repo.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

struct ExpectedDataset {
  std::string dtype, shape;  // "float32", "(4, 16)"
  std::vector<double> leading_values;
};

struct ExpectedFile {
  std::string keras_version, backend;
  size_t model_config_chars = 0, training_config_chars = 0;  // 0: absent
  std::map<std::string, ExpectedDataset> datasets;           // by HDF5 path, no leading '/'
};

std::vector<double> parse_h5_numbers(std::string text) {
  for (char& c : text) {
    if (c == '[' || c == ']' || c == ',') c = ' ';
  }
  std::istringstream in(text);
  std::vector<double> out;
  for (std::string word; in >> word;) out.push_back(std::strtod(word.c_str(), nullptr));
  return out;
}

std::string capture(const std::string& line, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(line, m, std::regex(pattern)) ? m[1].str() : "";
}

// The "hdf5" entries of EXPECTED_DETAIL.md, by path relative to the fixtures.
std::map<std::string, ExpectedFile> parse_expected(const std::string& fixtures) {
  std::ifstream in(fixtures + "/EXPECTED_DETAIL.md");
  std::map<std::string, ExpectedFile> files;
  ExpectedFile* current = nullptr;
  const std::regex dataset_line(R"(^    - `([^`]+)` (\w+) (\([0-9, ]*\)) first3=(\[.*\])$)");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (line.rfind("  - hdf5 `", 0) == 0) {
      current = &files[capture(line, "hdf5 `([^`]+)`")];
      current->keras_version = capture(line, "'keras_version': '([^']*)'");
      current->backend = capture(line, "'backend': '([^']*)'");
      const std::string model = capture(line, "'model_config': '<json ([0-9]+) chars>'");
      const std::string training = capture(line, "'training_config': '<json ([0-9]+) chars>'");
      current->model_config_chars = model.empty() ? 0 : std::stoul(model);
      current->training_config_chars = training.empty() ? 0 : std::stoul(training);
    } else if (line.rfind("  - ", 0) == 0) {
      current = nullptr;
    } else if (current != nullptr && std::regex_match(line, m, dataset_line)) {
      current->datasets[m[1]] = {m[2], m[3], parse_h5_numbers(m[4])};
    }
  }
  return files;
}

// "(4, 16)", "(16,)" and "()", as numpy prints shapes.
std::string numpy_shape(const TensorShape& shape) {
  std::string out = "(";
  for (int i = 0; i < shape.rank(); ++i) out += (i ? ", " : "") + std::to_string(shape.dim(i));
  return out + (shape.rank() == 1 ? ",)" : ")");
}

// Every tensor of `file` by the HDF5 path Keras stores it at.
std::map<std::string, const Tensor*> by_path(const KerasH5File& file) {
  std::map<std::string, const Tensor*> out;
  const std::string prefix = file.model_config.empty() ? "" : "model_weights/";
  for (const H5LayerWeights& layer : file.layers) {
    for (const H5Weight& w : layer.weights)
      out[prefix + layer.layer_name + "/" + w.name] = &w.value;
  }
  for (const H5Weight& w : file.optimizer_weights) out["optimizer_weights/" + w.name] = &w.value;
  return out;
}

class KerasH5FixturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::fixtures_dir();
    if (!dir) GTEST_SKIP() << testing::kNoSharedMessage;
    fixtures_ = *dir;
    expected_ = parse_expected(fixtures_);
  }

  KerasH5File read(const std::string& relative) {
    Result<KerasH5File> file = read_keras_h5(fixtures_ + "/" + relative);
    EXPECT_TRUE(file.ok()) << file.status().to_string();
    return file.ok() ? *file : KerasH5File{};
  }

  std::string fixtures_;
  std::map<std::string, ExpectedFile> expected_;
};

TEST_F(KerasH5FixturesTest, EveryListedFileMatchesExpectedDetail) {
  ASSERT_GE(expected_.size(), 6u) << "EXPECTED_DETAIL.md lists fewer HDF5 files than expected";
  for (const auto& [relative, want] : expected_) {
    SCOPED_TRACE(relative);
    const KerasH5File file = read(relative);
    EXPECT_EQ(file.keras_version, want.keras_version);
    EXPECT_EQ(file.backend, want.backend);
    EXPECT_EQ(file.model_config.size(), want.model_config_chars);
    EXPECT_EQ(file.training_config.size(), want.training_config_chars);
    const auto tensors = by_path(file);
    EXPECT_EQ(tensors.size(), want.datasets.size());
    for (const auto& [path, dataset] : want.datasets) {
      SCOPED_TRACE(path);
      auto it = tensors.find(path);
      ASSERT_NE(it, tensors.end());
      EXPECT_EQ(std::string(dtype_name(it->second->dtype())), dataset.dtype);
      EXPECT_EQ(numpy_shape(it->second->shape()), dataset.shape);
      for (size_t i = 0; i < dataset.leading_values.size(); ++i) {
        const double want_value = dataset.leading_values[i];
        EXPECT_NEAR(it->second->element_as_double(static_cast<int64_t>(i)), want_value,
                    1e-6 * std::max(1.0, std::fabs(want_value)));
      }
    }
  }
}

std::vector<std::string> layer_names(const KerasH5File& file) {
  std::vector<std::string> out;
  for (const H5LayerWeights& layer : file.layers) out.push_back(layer.layer_name);
  return out;
}

std::vector<std::string> weight_names(const std::vector<H5Weight>& weights) {
  std::vector<std::string> out;
  for (const H5Weight& w : weights) out.push_back(w.name);
  return out;
}

using Names = std::vector<std::string>;

TEST_F(KerasH5FixturesTest, Keras211FixedLengthNamesAndWeightlessLayers) {
  const KerasH5File file = read("keras-iris-martinrep/iris_model.h5");
  EXPECT_EQ(layer_names(file), (Names{"dense_1", "activation_1", "dense_2", "activation_2"}));
  ASSERT_EQ(file.layers.size(), 4u);
  EXPECT_TRUE(file.layers[1].weights.empty());  // an empty float64 weight_names
  EXPECT_EQ(weight_names(file.layers[0].weights), (Names{"dense_1/kernel:0", "dense_1/bias:0"}));
  ASSERT_EQ(file.optimizer_weights.size(), 9u);
  EXPECT_EQ(file.optimizer_weights[0].name, "Adam/iterations:0");
  EXPECT_EQ(file.optimizer_weights[0].value.flat<int64_t>()[0], 7500);
  EXPECT_EQ(file.optimizer_weights[8].name, "training/Adam/Variable_7:0");
  EXPECT_NE(file.model_config.find(R"("class_name": "Sequential")"), std::string::npos);
}

TEST_F(KerasH5FixturesTest, Keras231WholeModelAndWeightsOnlyAgree) {
  const KerasH5File model = read("keras-iris-thisaramanohara/iris.model");
  const KerasH5File weights = read("keras-iris-thisaramanohara/iris_weights.h5");
  EXPECT_TRUE(weights.model_config.empty());
  EXPECT_TRUE(weights.optimizer_weights.empty());
  EXPECT_EQ(layer_names(weights), (Names{"dense_7", "dense_8", "dense_9"}));
  ASSERT_EQ(model.layers.size(), weights.layers.size());
  for (size_t i = 0; i < model.layers.size(); ++i) {
    ASSERT_EQ(model.layers[i].weights.size(), weights.layers[i].weights.size());
    for (size_t j = 0; j < model.layers[i].weights.size(); ++j) {
      EXPECT_TRUE(model.layers[i].weights[j].value == weights.layers[i].weights[j].value);
    }
  }
  EXPECT_EQ(model.optimizer_weights[0].name, "Adagrad_1/iterations:0");
  EXPECT_EQ(model.optimizer_weights[0].value.flat<int64_t>()[0], 800);
}

TEST_F(KerasH5FixturesTest, Keras214VariableLengthNames) {
  const KerasH5File file = read("keras214-iris-ahmedraza/iris_model.h5");
  EXPECT_EQ(layer_names(file), (Names{"dense", "dense_1"}));  // no top_level_model_weights
  EXPECT_EQ(weight_names(file.layers[1].weights), (Names{"dense_1/kernel:0", "dense_1/bias:0"}));
  const Names optimizer = weight_names(file.optimizer_weights);
  ASSERT_EQ(optimizer.size(), 9u);
  EXPECT_EQ(optimizer[0], "Adam/iter:0");
  EXPECT_EQ(optimizer[1], "Adam/dense/kernel/m:0");
  EXPECT_EQ(file.optimizer_weights[0].value.flat<int64_t>()[0], 2400);
}

TEST_F(KerasH5FixturesTest, Keras3LegacyLayout) {
  const KerasH5File file = read("keras3-iris-nojan/iris_model.h5");
  EXPECT_EQ(layer_names(file), (Names{"dense_35", "dense_36", "dense_37"}));
  EXPECT_EQ(weight_names(file.layers[0].weights),
            (Names{"sequential_12/dense_35/kernel", "sequential_12/dense_35/bias"}));
  const Names optimizer = weight_names(file.optimizer_weights);
  ASSERT_EQ(optimizer.size(), 14u);
  EXPECT_EQ(optimizer[0], "adam/iteration");
  EXPECT_EQ(optimizer[1], "adam/learning_rate");
  EXPECT_EQ(file.optimizer_weights[0].value.flat<int64_t>()[0], 1200);
  EXPECT_FLOAT_EQ(file.optimizer_weights[1].value.flat<float>()[0], 0.001f);
  const std::vector<float> bias(file.layers[2].weights[1].value.flat<float>().begin(),
                                file.layers[2].weights[1].value.flat<float>().end());
  EXPECT_EQ(bias.size(), 3u);
  EXPECT_NEAR(bias[0], 0.0302269, 1e-7);
}

TEST_F(KerasH5FixturesTest, GruToyWeightsAreTheScriptedValues) {
  const KerasH5File file = read("frugally-deep-gru-toy/test/stateful_test/temp_stateless.h5");
  EXPECT_EQ(layer_names(file), (Names{"input_1", "input_2", "gru"}));
  EXPECT_TRUE(file.training_config.empty());
  EXPECT_TRUE(file.optimizer_weights.empty());
  ASSERT_EQ(file.layers.size(), 3u);
  ASSERT_EQ(file.layers[2].weights.size(), 2u);
  EXPECT_TRUE(file.layers[2].weights[0].value ==
              Tensor::from_vector<float>({1.0f, -2.0f, 3.0f}, {1, 3}));
  EXPECT_TRUE(file.layers[2].weights[1].value ==
              Tensor::from_vector<float>({-0.5f, 2.0f, -1.1f}, {1, 3}));
}

TEST_F(KerasH5FixturesTest, RewrittenFilesReadBackUnchanged) {
  for (const auto& [relative, want] : expected_) {
    SCOPED_TRACE(relative);
    const KerasH5File file = read(relative);
    MemoryFileSystem fs;
    ASSERT_TRUE(write_keras_h5("/copy.h5", file, fs).ok());
    Result<KerasH5File> back = read_keras_h5("/copy.h5", fs);
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(back->model_config, file.model_config);
    EXPECT_EQ(back->training_config, file.training_config);
    EXPECT_EQ(layer_names(*back), layer_names(file));
    const auto got = by_path(*back), original = by_path(file);
    ASSERT_EQ(got.size(), original.size());
    for (const auto& [path, tensor] : original) {
      ASSERT_TRUE(got.count(path)) << path;
      EXPECT_TRUE(*got.at(path) == *tensor) << path;
    }
  }
}

}  // namespace
}  // namespace cairn
