// A functional Model's Keras config: written as tf.keras 2.x writes it,
// read back to the same config, read from Keras 3's spelling, and refused
// with a message naming the problem when malformed.
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/model.h"
#include "nn/gradient_check.h"

namespace cairn::keras {
namespace {

Model shared_model() {
  KerasTensor a = Input({3}, "a"), b = Input({3}, "b");
  Dense shared(3, {.name = "shared"});
  KerasTensor h = shared(a);
  KerasTensor both = Concatenate({.axis = -1, .name = "both"})({shared(h), b});
  return Model({a, b}, {both, Dense(1, {.name = "out"})(both)}, "m");
}

TEST(FunctionalConfig, WritesKeras2InboundNodes) {
  const Json config = shared_model().get_config();
  EXPECT_EQ(config["name"], "m");
  EXPECT_EQ(config["input_layers"], Json::parse(R"([["a", 0, 0], ["b", 0, 0]])"));
  EXPECT_EQ(config["output_layers"], Json::parse(R"([["both", 0, 0], ["out", 0, 0]])"));
  for (const Json& layer : config["layers"]) {
    if (layer["name"] == "shared") {
      EXPECT_EQ(layer["inbound_nodes"],
                Json::parse(R"([[["a", 0, 0, {}]], [["shared", 0, 0, {}]]])"));
    }
    if (layer["name"] == "both") {
      EXPECT_EQ(layer["inbound_nodes"],
                Json::parse(R"([[["shared", 1, 0, {}], ["b", 0, 0, {}]]])"));
      EXPECT_EQ(layer["config"]["axis"], -1);
    }
    if (layer["name"] == "a") {
      EXPECT_EQ(layer["inbound_nodes"], Json::array());
    }
  }
}

TEST(FunctionalConfig, RoundTripsToTheSameConfigAndOutputs) {
  Model model = shared_model();
  const Json config = model.get_config();
  Model again = Model::from_config(config);
  EXPECT_EQ(again.get_config(), config);
  for (size_t i = 0; i < model.weights().size(); ++i) {
    again.weights()[i]->value = model.weights()[i]->value;
  }
  const Tensor a = nn::to_tensor(nn::testing::random_matrix(5, 3, 1));
  const Tensor b = nn::to_tensor(nn::testing::random_matrix(5, 3, 2));
  EXPECT_TRUE(again.predict({a, b})[1] == model.predict({a, b})[1]);
}

// What Keras 3.x writes for Input a(4), Input b(3), Dense d on a, Concatenate(d, b).
constexpr const char* kKeras3Config = R"({
  "name": "functional", "trainable": true,
  "layers": [
    {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "a",
     "config": {"batch_shape": [null, 4], "dtype": "float32", "sparse": false, "name": "a"},
     "inbound_nodes": []},
    {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "b",
     "config": {"batch_shape": [null, 3], "dtype": "float32", "sparse": false, "name": "b"},
     "inbound_nodes": []},
    {"module": "keras.layers", "class_name": "Dense", "registered_name": null, "name": "d",
     "config": {"name": "d", "trainable": true,
                "dtype": {"module": "keras", "class_name": "DTypePolicy",
                          "config": {"name": "float32"}, "registered_name": null},
                "units": 2, "activation": "relu", "use_bias": true,
                "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                       "config": {"seed": null}, "registered_name": null},
                "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros",
                                     "config": {}, "registered_name": null},
                "kernel_regularizer": null, "bias_regularizer": null,
                "kernel_constraint": null, "bias_constraint": null},
     "build_config": {"input_shape": [null, 4]},
     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
                                  "config": {"shape": [null, 4], "dtype": "float32",
                                             "keras_history": ["a", 0, 0]}}],
                        "kwargs": {}}]},
    {"module": "keras.layers", "class_name": "Concatenate", "registered_name": null, "name": "cat",
     "config": {"name": "cat", "trainable": true,
                "dtype": {"module": "keras", "class_name": "DTypePolicy",
                          "config": {"name": "float32"}, "registered_name": null},
                "axis": -1},
     "build_config": {"input_shape": [[null, 2], [null, 3]]},
     "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__",
                                   "config": {"shape": [null, 2], "dtype": "float32",
                                              "keras_history": ["d", 0, 0]}},
                                  {"class_name": "__keras_tensor__",
                                   "config": {"shape": [null, 3], "dtype": "float32",
                                              "keras_history": ["b", 0, 0]}}]],
                        "kwargs": {}}]}
  ],
  "input_layers": [["a", 0, 0], ["b", 0, 0]],
  "output_layers": ["cat", 0, 0]
})";

TEST(FunctionalConfig, ReadsKeras3Dicts) {
  Model model = Model::from_config(Json::parse(kKeras3Config));
  EXPECT_EQ(model.name(), "functional");
  EXPECT_EQ(model.input_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(model.output_shapes(), (std::vector<Shape>{{5}}));
  EXPECT_EQ(model.count_params(), 4 * 2 + 2);
}

void expect_refused(const std::string& config, const std::string& words) {
  try {
    Model::from_config(Json::parse(config));
    ADD_FAILURE() << "accepted " << config;
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(FunctionalConfig, RefusesMalformedConfigsNamingTheProblem) {
  const std::string input =
      R"({"class_name": "InputLayer", "name": "a", "inbound_nodes": [],
          "config": {"batch_input_shape": [null, 2], "name": "a"}})";
  const std::string dense =
      R"({"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2},
          "inbound_nodes": [[["a", 0, 0, {}]]]})";
  expect_refused(R"({"name": "m"})", "'layers'");
  expect_refused(R"({"layers": [)" + input + R"(], "input_layers": [["a", 0, 0]],
                    "output_layers": [["x", 0, 0]]})",
                 "x[0]");
  expect_refused(R"({"layers": [)" + input + "," +
                     R"({"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2},
                         "inbound_nodes": [[["ghost", 0, 0, {}]]]}],
                     "input_layers": [["a", 0, 0]], "output_layers": [["d", 0, 0]]})",
                 "ghost");
  expect_refused(R"({"layers": [)" + input + "," +
                     R"({"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2},
                         "inbound_nodes": [[["a", "zero", 0, {}]]]}],
                     "input_layers": [["a", 0, 0]], "output_layers": [["d", 0, 0]]})",
                 "node index");
  expect_refused(R"({"layers": [)" + input + "," + dense + "," + dense +
                     R"(], "input_layers": [["a", 0, 0]], "output_layers": [["d", 0, 0]]})",
                 "two layers are named 'd'");
  expect_refused(R"({"layers": [)" + input + "," +
                     R"({"class_name": "Lambda", "name": "l", "config": {"name": "l"},
                         "inbound_nodes": [[["a", 0, 0, {}]]]}],
                     "input_layers": [["a", 0, 0]], "output_layers": [["l", 0, 0]]})",
                 "Lambda");
  expect_refused(R"({"layers": [)" + input + "," + dense +
                     R"(], "input_layers": [["a", 0, 0]], "output_layers": [["d", 1, 0]]})",
                 "d[1]");
  expect_refused(R"({"layers": [)" + input + "," + dense +
                     R"(], "input_layers": "a", "output_layers": [["d", 0, 0]]})",
                 "input_layers");
  // A chain of more calls than any model makes.
  std::string chain = input;
  for (int i = 0; i < 10001; ++i) {
    const std::string from = i == 0 ? "a" : "r" + std::to_string(i - 1);
    chain += R"(, {"class_name": "Activation", "name": "r)" + std::to_string(i) +
             R"(", "config": {"name": "r)" + std::to_string(i) +
             R"(", "activation": "relu"}, "inbound_nodes": [[[")" + from + R"(", 0, 0, {}]]]})";
  }
  expect_refused(R"({"layers": [)" + chain +
                     R"(], "input_layers": [["a", 0, 0]], "output_layers": [["r10000", 0, 0]]})",
                 "at most 10000");
}

}  // namespace
}  // namespace cairn::keras
