// model_to_estimator: a compiled Keras model trained as an Estimator, from
// its own weights, under the names TensorFlow gives its layers.
#include "cairn/estimator/keras_estimator.h"

#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/keras.h"
#include "estimator/estimator_test_util.h"

namespace cairn::estimator {
namespace {

keras::Model iris_keras_model() {
  keras::clear_session();
  keras::set_random_seed(5);
  keras::KerasTensor in = keras::Input({4}, "measurements");
  keras::KerasTensor h = keras::Dense(10, {.activation = "relu"})(in);
  keras::KerasTensor out = keras::Dense(3, {.activation = "softmax"})(h);
  keras::Model model({in}, {out});
  model.compile({.optimizer = keras::Adam{.learning_rate = 0.03},
                 .loss = {"sparse_categorical_crossentropy"},
                 .metrics = {"accuracy"}});
  return model;
}

data::InputFn keras_iris_input(const CsvInput& input, bool repeat) {
  return [&input, repeat] {
    data::Dataset ds = make_dataset(input, {data::numeric_column("measurements", 4)});
    return repeat ? ds.shuffle(1000, 2).repeat().batch(50) : ds.batch(100);
  };
}

ModelToEstimatorOptions quiet(const std::string& dir) {
  ModelToEstimatorOptions o{.model_dir = dir};
  o.config.log = [](const std::string&) {};
  return o;
}

TEST(KerasEstimatorTest, StartsFromTheModelsWeightsUnderTensorFlowsNames) {
  cairn::testing::TempDir tmp;
  keras::Model model = iris_keras_model();
  Estimator est = keras::model_to_estimator(model, quiet(tmp.path()));
  CheckpointReader warm(tmp.path() + "/keras/keras_model.ckpt");
  for (const nn::Variable* w : model.weights()) {
    EXPECT_EQ(warm.get_tensor(w->name), w->value) << w->name;
  }
  est.train(keras_iris_input(testing::iris_train(), true), {.steps = 1});
  // One Adam step from the Keras weights: every kernel moved by about the learning rate.
  CheckpointReader first(tmp.path() + "/model.ckpt-1");
  const Tensor kernel = first.get_tensor("dense/kernel");
  const Tensor before = model.weights()[0]->value;
  for (int64_t i = 0; i < kernel.num_elements(); ++i) {
    EXPECT_LE(std::abs(kernel.flat<float>()[i] - before.flat<float>()[i]), 0.031f);
  }
  std::set<std::string> names;
  for (const auto& v : first.list_variables()) names.insert(v.name);
  for (const char* name : {"dense/kernel", "dense/bias", "dense_1/kernel", "dense/kernel/Adam",
                           "dense/kernel/Adam_1", "beta1_power", "global_step"}) {
    EXPECT_TRUE(names.count(name)) << name << " not in " << ::testing::PrintToString(names);
  }
}

TEST(KerasEstimatorTest, TrainsEvaluatesAndPredictsAsAnEstimator) {
  cairn::testing::TempDir tmp;
  keras::Model model = iris_keras_model();
  Estimator est = keras::model_to_estimator(model, quiet(tmp.path()));
  est.train(keras_iris_input(testing::iris_train(), true), {.steps = 300});
  const EvalResult result = est.evaluate(keras_iris_input(testing::iris_test(), false));
  EXPECT_GE(result["accuracy"], 0.9);
  EXPECT_EQ(result.global_step, 300);
  const std::vector<Prediction> p = est.predict(keras_iris_input(testing::iris_test(), false));
  ASSERT_EQ(p.size(), 30u);
  ASSERT_EQ(p[0].outputs.at("dense_1").size(), 3u);  // the output layer's softmax
  // A second model_to_estimator on the trained directory resumes; the Keras
  // weights are not written over it.
  Estimator again = keras::model_to_estimator(iris_keras_model(), quiet(tmp.path()));
  again.train(keras_iris_input(testing::iris_train(), true), {.steps = 10});
  EXPECT_EQ(again.evaluate(keras_iris_input(testing::iris_test(), false)).global_step, 310);
}

TEST(KerasEstimatorTest, RefusesAnUncompiledModelAndMetricsItCannotEvaluate) {
  keras::KerasTensor in = keras::Input({4});
  keras::Model model({in}, {keras::Dense(3)(in)});
  EXPECT_THROW(keras::model_to_estimator(model, {}), FailedPreconditionError);
  model.compile({.optimizer = "sgd", .loss = {"mse"}, .metrics = {"mae"}});
  EXPECT_THROW(keras::model_to_estimator(model, {}), UnimplementedError);
}

}  // namespace
}  // namespace cairn::estimator
