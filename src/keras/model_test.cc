// keras::Model: graphs from symbolic tensors, Keras's layer order and
// summary, several inputs and outputs in fit/evaluate/predict, shared layers.
#include "cairn/keras/model.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/keras/layers/dense.h"
#include "nn/gradient_check.h"

namespace cairn::keras {
namespace {

using nn::testing::random_matrix;

Tensor random_tensor(int64_t rows, int64_t cols, uint64_t seed) {
  return nn::to_tensor(random_matrix(rows, cols, seed));
}

// a -> da -> cat(da, b) -> out.
Model two_inputs() {
  KerasTensor a = Input({4}, "a"), b = Input({3}, "b");
  KerasTensor h = Dense(5, {.activation = "tanh", .name = "da"})(a);
  KerasTensor c = Concatenate({.name = "cat"})({h, b});
  KerasTensor out = Dense(2, {.name = "out"})(c);
  return Model({a, b}, {out}, "two_inputs");
}

std::vector<std::string> layer_names(const Model& model) {
  std::vector<std::string> names;
  for (const LayerPtr& l : model.layers()) names.push_back(l->name());
  return names;
}

TEST(Model, OrdersLayersAsKerasDoes) {
  set_random_seed(1);
  Model model = two_inputs();
  EXPECT_EQ(layer_names(model), (std::vector<std::string>{"a", "da", "b", "cat", "out"}));
  EXPECT_EQ(model.input_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(model.output_shapes(), (std::vector<Shape>{{2}}));
  EXPECT_EQ(model.count_params(), 25 + 18);
}

TEST(Model, SummaryHasKerasConnectedToColumn) {
  set_random_seed(1);
  const std::string rule(98, '_'), line(98, '=');
  const std::string expected =
      "Model: \"two_inputs\"\n" + rule +
      "\nLayer (type)                    Output Shape         Param #     Connected to            "
      "         \n" +
      line +
      "\na (InputLayer)                  [(None, 4)]          0                                   "
      "         \n" +
      rule +
      "\nda (Dense)                      (None, 5)            25          a[0][0]                 "
      "         \n" +
      rule +
      "\nb (InputLayer)                  [(None, 3)]          0                                   "
      "         \n" +
      rule +
      "\ncat (Concatenate)               (None, 8)            0           da[0][0]                "
      "         \n"
      "                                                                 b[0][0]                 "
      "         \n" +
      rule +
      "\nout (Dense)                     (None, 2)            18          cat[0][0]               "
      "         \n" +
      line + "\nTotal params: 43\nTrainable params: 43\nNon-trainable params: 0\n" + rule + "\n";
  EXPECT_EQ(two_inputs().summary_string(), expected);
}

TEST(Model, PredictTakesInputsInOrderOrByName) {
  set_random_seed(2);
  Model model = two_inputs();
  const Tensor a = random_tensor(7, 4, 1), b = random_tensor(7, 3, 2);
  const std::vector<Tensor> in_order = model.predict({a, b}, /*batch_size=*/3);
  const std::vector<Tensor> by_name = model.predict({{"b", b}, {"a", a}});
  ASSERT_EQ(in_order.size(), 1u);
  EXPECT_EQ(in_order[0].shape(), TensorShape({7, 2}));
  EXPECT_TRUE(in_order[0] == by_name[0]);
  EXPECT_THROW(model.predict({{"a", a}}), InvalidArgumentError);
  EXPECT_THROW(model.predict({{"a", a}, {"b", b}, {"c", b}}), InvalidArgumentError);
  EXPECT_THROW(model.predict({b, a}), InvalidArgumentError);  // shapes swapped
}

TEST(Model, TwoInputModelWithMergeTrains) {
  set_random_seed(3);
  Model model = two_inputs();
  model.compile({.optimizer = Adam{.learning_rate = 0.01}, .loss = {"mse"}});
  const Tensor a = random_tensor(64, 4, 1), b = random_tensor(64, 3, 2);
  const Tensor y = random_tensor(64, 2, 3);
  History h = model.fit({a, b}, y, {.epochs = 30, .batch_size = 16, .verbose = 0});
  EXPECT_LT(h.history.at("loss").back(), 0.6 * h.history.at("loss").front());
  EXPECT_NEAR(model.evaluate({a, b}, y, {.verbose = 0}).get("loss"), h.history.at("loss").back(),
              0.05);
}

TEST(Model, SeveralOutputsHaveALossEachWeighted) {
  set_random_seed(4);
  KerasTensor x = Input({3}, "x");
  KerasTensor h = Dense(4, {.activation = "relu", .name = "h"})(x);
  KerasTensor p = Dense(1, {.activation = "sigmoid", .name = "p"})(h);
  KerasTensor q = Dense(3, {.activation = "softmax", .name = "q"})(h);
  Model model({x}, {p, q});
  model.compile({.optimizer = SGD{.learning_rate = 0.0},
                 .loss = {"binary_crossentropy", "sparse_categorical_crossentropy"},
                 .loss_weights = {1.0, 0.5},
                 .metrics = {"accuracy"}});
  const Tensor xs = random_tensor(10, 3, 1);
  const Tensor yp = Tensor::from_vector<float>({1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, {10, 1});
  const Tensor yq = Tensor::from_vector<int64_t>({0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, {10});
  const Logs logs = model.evaluate(xs, {{"q", yq}, {"p", yp}}, {.verbose = 0});
  EXPECT_NEAR(logs.get("loss"), logs.get("p_loss") + 0.5 * logs.get("q_loss"), 1e-5);
  EXPECT_TRUE(logs.find("p_accuracy").has_value());
  EXPECT_TRUE(logs.find("q_accuracy").has_value());
  History history = model.fit(xs, {yp, yq}, {.epochs = 1, .verbose = 0});
  EXPECT_NEAR(history.history.at("loss")[0], logs.get("loss"), 1e-5);  // rate 0: unchanged weights
  EXPECT_THROW(model.compile({.loss = {"mse", "mse", "mse"}}), InvalidArgumentError);
  EXPECT_THROW(model.compile({.loss = {"mse"}, .loss_by_output = {{"nope", "mse"}}}),
               InvalidArgumentError);
}

TEST(Model, SharedLayerHasOneSetOfWeights) {
  set_random_seed(5);
  KerasTensor a = Input({3}, "a"), b = Input({3}, "b");
  Dense shared(2, {.activation = "tanh", .name = "shared"});
  KerasTensor sum = Add({.name = "sum"})({shared(a), shared(b)});
  Model model({a, b}, {sum});
  EXPECT_EQ(layer_names(model), (std::vector<std::string>{"a", "b", "shared", "sum"}));
  EXPECT_EQ(model.weights().size(), 2u);
  const Tensor ones = nn::to_tensor(nn::Matrix::Ones(1, 3));
  const std::vector<Tensor> y = model.predict({ones, ones});
  // Both calls use the same weights: the sum is twice one call.
  const nn::Matrix one_call = (nn::Matrix::Ones(1, 3) * nn::as_matrix(model.weights()[0]->value) +
                               nn::as_matrix(model.weights()[1]->value))
                                  .array()
                                  .tanh()
                                  .matrix();
  EXPECT_TRUE(nn::as_matrix(y[0]).isApprox(2 * one_call)) << nn::as_matrix(y[0]);
  const std::string summary = model.summary_string();
  EXPECT_NE(summary.find("shared[0][0]"), std::string::npos) << summary;
  EXPECT_NE(summary.find("shared[1][0]"), std::string::npos) << summary;
}

// SGD with rate 1 on one batch moves each weight by minus its gradient:
// compare with central differences of the model's loss.
TEST(Model, SharedLayerAndMergeGradientsMatchNumericGradients) {
  set_random_seed(6);
  KerasTensor a = Input({3}, "a"), b = Input({3}, "b");
  LayerPtr shared = Dense(4, {.activation = "tanh", .name = "shared"});
  KerasTensor m = Multiply()({shared(a), shared(b)});
  // (Maximum's kinks would defeat central differences: its gradient is checked in nn.)
  KerasTensor c = Concatenate()({m, Average()({shared(a), shared(b)}), a});
  KerasTensor out = Dense(2, {.name = "out"})(Subtract()({c, Add()({c, c})}));
  KerasTensor out2 = Dense(2, {.activation = "sigmoid", .name = "out2"})(c);
  Model model({a, b}, {out, out2});
  model.compile({.optimizer = SGD{.learning_rate = 1.0}, .loss = {"mse", "binary_crossentropy"}});
  const Tensor xa = random_tensor(5, 3, 1), xb = random_tensor(5, 3, 2);
  const Tensor y1 = random_tensor(5, 2, 3);
  const Tensor y2 = nn::to_tensor(random_matrix(5, 2, 4, 0.0f, 1.0f).array().round().matrix());
  std::vector<Tensor> before;
  for (nn::Variable* w : model.weights()) before.push_back(w->value);
  std::vector<nn::Matrix> numeric;
  for (size_t i = 0; i < before.size(); ++i) {
    nn::Variable& w = *model.weights()[i];
    auto loss = [&](const nn::Matrix& value) {
      w.value = before[i];
      std::copy(value.data(), value.data() + value.size(), w.value.flat<float>().begin());
      const double l =
          model.evaluate({xa, xb}, {y1, y2}, {.batch_size = 64, .verbose = 0}).get("loss");
      w.value = before[i];
      return l;
    };
    numeric.push_back(nn::testing::numeric_gradient(loss, nn::as_matrix(before[i])));
  }
  model.fit({xa, xb}, {y1, y2}, {.epochs = 1, .batch_size = 64, .shuffle = false, .verbose = 0});
  for (size_t i = 0; i < before.size(); ++i) {
    const nn::Matrix step = nn::as_matrix(before[i]) - nn::as_matrix(model.weights()[i]->value);
    nn::testing::expect_gradients_near(step, numeric[i], model.weights()[i]->name.c_str());
  }
}

TEST(Model, RefusesGraphsItCannotRun) {
  KerasTensor a = Input({3}, "a"), b = Input({3}, "b");
  KerasTensor h = Dense(2)(b);
  EXPECT_THROW(Model({a}, {h}), InvalidArgumentError);                          // b is not an input
  EXPECT_THROW(Model({h}, {h}), InvalidArgumentError);                          // not an Input
  EXPECT_THROW(Model({a, b}, {Add()({a, Input({4})})}), InvalidArgumentError);  // shapes
  EXPECT_THROW(Model({a}, {Subtract()({a, a, a})}), InvalidArgumentError);
  EXPECT_THROW(
      Model({a, b}, {Add()({Dense(2, {.name = "twin"})(a), Dense(3, {.name = "twin"})(b)})}),
      InvalidArgumentError);  // two layers, one name
  EXPECT_THROW(Input({0}), InvalidArgumentError);
  EXPECT_THROW(Model({a, b}, {Dense(2)(std::vector<KerasTensor>{a, b})}), InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::keras

namespace cairn::keras {
namespace {

// Identity layers that make a mask (a step is present when its first
// feature is not 0) and that record the mask they were given.
class MakesMask : public Layer {
 public:
  MakesMask() : Layer("makes_mask", "", {}) {}
  std::string class_name() const override { return "MakesMask"; }
  Shape build(const Shape& shape, std::mt19937_64&) override { return set_built(shape); }
  nn::Matrix forward(const nn::Matrix& x, bool, std::mt19937_64&) override {
    const int64_t steps = output_shape()[0], features = output_shape()[1];
    mask_.resize(x.rows(), steps);
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      for (int64_t t = 0; t < steps; ++t) mask_(r, t) = x(r, t * features) != 0.0f ? 1.0f : 0.0f;
    }
    return x;
  }
  nn::Matrix backward(const nn::Matrix& dy) override { return dy; }
  const Mask* output_mask(const Mask*) const override { return &mask_; }
  Json config() const override { return base_config(); }

 private:
  Mask mask_;
};

class ReadsMask : public Layer {
 public:
  ReadsMask() : Layer("reads_mask", "", {}) {}
  std::string class_name() const override { return "ReadsMask"; }
  Shape build(const Shape& shape, std::mt19937_64&) override { return set_built(shape); }
  nn::Matrix forward(const nn::Matrix& x, bool, std::mt19937_64&) override {
    seen = input_mask() != nullptr ? std::optional<Mask>(*input_mask()) : std::nullopt;
    return x;
  }
  nn::Matrix backward(const nn::Matrix& dy) override { return dy; }
  Json config() const override { return base_config(); }
  std::optional<Mask> seen;
};

TEST(Model, MasksFlowThroughTheGraphAndMergeAsKerasMerges) {
  KerasTensor a = Input({3, 2}, "a"), b = Input({3, 2}, "b");
  LayerPtr mask_a = MakesMask(), mask_b = MakesMask();
  auto reads_cat = std::make_shared<ReadsMask>(), reads_sum = std::make_shared<ReadsMask>();
  KerasTensor ma = mask_a(a), mb = mask_b(b);
  KerasTensor cat = LayerPtr(reads_cat)(Concatenate()({ma, b}));  // b has no mask
  KerasTensor sum = LayerPtr(reads_sum)(Add()({ma, mb}));
  Model model({a, b}, {cat, sum});
  Tensor xa = Tensor::from_vector<float>({1, 1, 0, 1, 2, 2}, {1, 3, 2});  // step 1 padded
  Tensor xb = Tensor::from_vector<float>({1, 1, 1, 1, 0, 0}, {1, 3, 2});  // step 2 padded
  model.predict({xa, xb});
  ASSERT_TRUE(reads_cat->seen.has_value());
  EXPECT_EQ(*reads_cat->seen, (nn::Matrix(1, 3) << 1, 0, 1).finished());
  ASSERT_TRUE(reads_sum->seen.has_value());
  EXPECT_EQ(*reads_sum->seen, (nn::Matrix(1, 3) << 1, 0, 0).finished());
}

// An output of rank 2 or more (a softmax per timestep): a loss and metric per
// position, averaged per sample, as Keras and as Sequential compute them;
// the fused softmax + cross-entropy gradient is per position too.
TEST(Model, NdOutputsHaveALossPerPositionAsSequential) {
  set_random_seed(31);
  KerasTensor x = Input({4, 3}, "x");
  Model model({x}, {Dense(5, {.activation = "softmax", .name = "tags"})(x)}, "tagger");
  Sequential stack({Input({4, 3}, "x"), Dense(5, {.activation = "softmax", .name = "tags"})});
  for (size_t i = 0; i < model.weights().size(); ++i) {
    stack.weights()[i]->value = model.weights()[i]->value;
  }
  model.compile({.optimizer = SGD{.learning_rate = 0.5},
                 .loss = {"sparse_categorical_crossentropy"},
                 .metrics = {"accuracy"}});
  stack.compile({.optimizer = SGD{.learning_rate = 0.5},
                 .loss = "sparse_categorical_crossentropy",
                 .metrics = {"accuracy"}});
  const Tensor xs = [] {
    Tensor t(DType::kFloat32, {6, 4, 3});
    const Tensor r = random_tensor(6, 12, 4);
    std::copy(r.flat<float>().begin(), r.flat<float>().end(), t.flat<float>().begin());
    return t;
  }();
  std::vector<int64_t> ids(24);
  for (int i = 0; i < 24; ++i) ids[i] = (i * 3) % 5;
  const Tensor ys = Tensor::from_vector<int64_t>(ids, {6, 4});
  const Logs a = model.evaluate(xs, ys, {.verbose = 0});
  const Logs b = stack.evaluate(xs, ys, {.verbose = 0});
  EXPECT_NEAR(a.get("loss"), b.get("loss"), 1e-6);
  EXPECT_NEAR(a.get("accuracy"), b.get("accuracy"), 1e-6);
  model.fit(xs, ys, {.epochs = 1, .batch_size = 6, .shuffle = false, .verbose = 0});
  stack.fit(xs, ys, {.epochs = 1, .batch_size = 6, .shuffle = false, .verbose = 0});
  for (size_t i = 0; i < model.weights().size(); ++i) {
    const auto m = model.weights()[i]->value.flat<float>();
    const auto s = stack.weights()[i]->value.flat<float>();
    for (size_t j = 0; j < m.size(); ++j) EXPECT_NEAR(m[j], s[j], 1e-6) << i << ", " << j;
  }
}

}  // namespace
}  // namespace cairn::keras
