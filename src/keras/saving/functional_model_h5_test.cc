// Whole functional models in Keras 2 HDF5: Model::save and
// load_functional_model keep the graph, the weights, compile() (a loss per
// output, loss_weights) and the optimizer state; h5py reads what we write as
// tf.keras's layout; the shared GRU fixture (written by tf.keras, a GRU
// called with an initial state) loads and predicts what its source states;
// untrusted configs and the wrong loader get clear errors.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cairn/core/errors.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/layers/recurrent.h"
#include "cairn/keras/model.h"
#include "keras/keras_test_util.h"
#include "nn/gradient_check.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

// Two inputs, a shared encoder, two outputs with their own losses.
Model two_headed(uint64_t seed) {
  set_random_seed(seed);
  KerasTensor title = Input({4}, "title"), body = Input({4}, "body");
  Dense encoder(3, {.activation = "relu", .name = "encoder"});
  KerasTensor both = Concatenate({.name = "both"})({encoder(title), encoder(body)});
  KerasTensor priority = Dense(1, {.activation = "sigmoid", .name = "priority"})(both);
  KerasTensor dept = Dense(3, {.activation = "softmax", .name = "dept"})(both);
  Model model({title, body}, {priority, dept}, "ticket");
  model.compile({.optimizer = "adam",
                 .loss = {"binary_crossentropy", "sparse_categorical_crossentropy"},
                 .loss_weights = {1.0, 0.25},
                 .metrics = {"accuracy"}});
  return model;
}

struct TicketData {
  Tensor title = nn::to_tensor(nn::testing::random_matrix(12, 4, 1));
  Tensor body = nn::to_tensor(nn::testing::random_matrix(12, 4, 2));
  Tensor priority = Tensor::from_vector<float>({0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0}, {12, 1});
  Tensor dept = Tensor::from_vector<int64_t>({0, 2, 1, 0, 1, 2, 0, 1, 2, 1, 0, 2}, {12});
};

TEST(FunctionalModelH5, SaveAndLoadKeepGraphWeightsCompileAndOptimizerState) {
  cairn::testing::TempDir dir;
  const TicketData d;
  Model model = two_headed(1);
  const ModelFitOptions once{.epochs = 1, .batch_size = 4, .shuffle = false, .verbose = 0};
  model.fit({d.title, d.body}, {d.priority, d.dept}, once);
  model.save(dir.path() + "/ticket.h5");

  Model back = load_functional_model(dir.path() + "/ticket.h5");
  EXPECT_EQ(back.name(), "ticket");
  EXPECT_EQ(back.input_names(), (std::vector<std::string>{"title", "body"}));
  EXPECT_EQ(back.output_names(), (std::vector<std::string>{"priority", "dept"}));
  EXPECT_TRUE(testing::same_weights(model, back));
  ASSERT_TRUE(back.compiled());
  EXPECT_EQ(back.compile_options().loss_weights, (std::vector<double>{1.0, 0.25}));
  EXPECT_EQ(back.optimizer()->iterations(), model.optimizer()->iterations());
  const std::vector<Tensor> want = model.predict({d.title, d.body});
  const std::vector<Tensor> got = back.predict({d.title, d.body});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0] == want[0] && got[1] == want[1]);
  // One more epoch each: equal bit for bit, so Adam's slots came back too.
  model.fit({d.title, d.body}, {d.priority, d.dept}, once);
  back.fit({d.title, d.body}, {d.priority, d.dept}, once);
  EXPECT_TRUE(testing::same_weights(model, back));
}

// What h5py (a reader we did not write) sees: tf.keras's layout, class
// "Functional", inbound_nodes, the training_config's losses by output.
constexpr const char* kH5pyFunctional = R"(
import json, sys, h5py
def text(v): return v.decode() if isinstance(v, bytes) else str(v)
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({'config': json.loads(text(f.attrs['model_config'])),
                  'training': json.loads(text(f.attrs['training_config'])),
                  'layers': [text(n) for n in f['model_weights'].attrs['layer_names']],
                  'encoder': f['model_weights/encoder/encoder/kernel:0'][()].flatten().tolist(),
                  'optimizer': len(f['optimizer_weights'].attrs['weight_names'])}))
)";

TEST(FunctionalModelH5, H5pyReadsTfKerasLayout) {
  if (!cairn::testing::python_has_modules("h5py")) GTEST_SKIP() << "/usr/bin/python3 lacks h5py";
  cairn::testing::TempDir dir;
  const TicketData d;
  Model model = two_headed(2);
  model.fit({d.title, d.body}, {d.priority, d.dept}, {.epochs = 1, .verbose = 0});
  model.save(dir.path() + "/ticket.h5");
  std::ofstream(dir.path() + "/list.py") << kH5pyFunctional;
  auto run = cairn::testing::run_command("/usr/bin/python3 " + dir.path() + "/list.py " +
                                         dir.path() + "/ticket.h5");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["config"]["class_name"], "Functional");
  EXPECT_EQ(doc["config"]["config"]["input_layers"],
            nlohmann::json::parse(R"([["title",0,0],["body",0,0]])"));
  EXPECT_EQ(doc["config"]["config"]["output_layers"],
            nlohmann::json::parse(R"([["priority",0,0],["dept",0,0]])"));
  EXPECT_EQ(doc["layers"],
            nlohmann::json({"title", "body", "encoder", "both", "priority", "dept"}));
  EXPECT_EQ(doc["training"]["loss"],
            nlohmann::json::parse(
                R"({"priority":"binary_crossentropy","dept":"sparse_categorical_crossentropy"})"));
  EXPECT_EQ(doc["training"]["loss_weights"], nlohmann::json({1.0, 0.25}));
  const Tensor& kernel = model.layers()[2]->weights()[0]->value;
  ASSERT_EQ(doc["encoder"].size(), static_cast<size_t>(kernel.num_elements()));
  for (size_t i = 0; i < doc["encoder"].size(); ++i) {
    EXPECT_EQ(doc["encoder"][i].get<float>(), kernel.flat<float>()[i]);
  }
  EXPECT_EQ(doc["optimizer"], 1 + 2 * 6);  // iter, then m and v of 6 variables
}

TEST(FunctionalModelH5, SequentialFilesLoadAsAModelAndFunctionalOnesRefuseLoadModel) {
  cairn::testing::TempDir dir;
  Model functional = two_headed(3);
  functional.save(dir.path() + "/ticket.h5");
  EXPECT_TRUE(is_functional_model_file(dir.path() + "/ticket.h5"));
  try {
    load_model(dir.path() + "/ticket.h5");
    ADD_FAILURE() << "load_model returned a Sequential for a functional file";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("load_functional_model"), std::string::npos) << e.what();
  }
  set_random_seed(4);
  Sequential stack({Input({3}, "x"), Dense(2, {.activation = "softmax"})});
  stack.compile({.optimizer = "sgd", .loss = "sparse_categorical_crossentropy"});
  stack.save(dir.path() + "/stack.h5");
  EXPECT_FALSE(is_functional_model_file(dir.path() + "/stack.h5"));
  Model chain = load_functional_model(dir.path() + "/stack.h5");
  EXPECT_TRUE(chain.compiled());
  const Tensor x = nn::to_tensor(nn::testing::random_matrix(5, 3, 9));
  EXPECT_TRUE(chain.predict({x})[0] == stack.predict(x));
}

// More weights declared than the file holds: refused before any layer of
// the graph allocates (a crafted config cannot ask for terabytes).
TEST(FunctionalModelH5, UntrustedConfigDeclaringHugeLayersIsRefusedBeforeAllocating) {
  cairn::testing::TempDir dir;
  Model model = two_headed(5);
  model.save(dir.path() + "/ticket.h5");
  KerasH5File file = value_or_throw(read_keras_h5(dir.path() + "/ticket.h5"));
  nlohmann::ordered_json config = nlohmann::ordered_json::parse(file.model_config);
  for (auto& layer : config["config"]["layers"]) {
    if (layer["name"] == "encoder") layer["config"]["units"] = 1 << 30;
  }
  file.model_config = config.dump();
  throw_if_error(write_keras_h5(dir.path() + "/huge.h5", file));
  try {
    load_functional_model(dir.path() + "/huge.h5");
    ADD_FAILURE() << "a config declaring 2^30 units loaded";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("more weights than"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("encoder"), std::string::npos) << e.what();
  }
}

// frugally-deep's GRU toy, written by tf.keras 2.2.4-tf: a functional model
// whose GRU (reset_after, linear, no bias) is called on [input_1, input_2],
// input_2 being its initial state. From the state 10 over [1, 0, 0] its
// source states the outputs below.
TEST(FunctionalModelH5, FrugallyDeepGruToyLoadsWholeAndPredictsWhatItsSourceStates) {
  auto fixtures = cairn::testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  Model model = load_functional_model(
      *fixtures + "/frugally-deep-gru-toy/test/stateful_test/temp_stateless.h5");
  EXPECT_EQ(model.input_names(), (std::vector<std::string>{"input_1", "input_2"}));
  EXPECT_EQ(model.input_shapes(), (std::vector<Shape>{{3, 1}, {1}}));
  const Tensor sequence = Tensor::from_vector<float>({1, 0, 0}, {1, 3, 1});
  const Tensor state = Tensor::from_vector<float>({10}, {1, 1});
  const Tensor y = model.predict({sequence, state})[0];
  ASSERT_EQ(y.num_elements(), 3);
  const float expected[] = {-7.676248f, -7.5144324f, -7.3429837f};
  for (int t = 0; t < 3; ++t) EXPECT_NEAR(y.flat<float>()[t], expected[t], 1e-5f) << "step " << t;
}

}  // namespace
}  // namespace cairn::keras
