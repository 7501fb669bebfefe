// Keras models, layers and optimizers in a cairn::Checkpoint
// (keras/trackable.h): the TF guide's CheckpointManager directory written by
// TF 2.x restores into a cairn Dense(5) + Adam + step; the layout of the new
// Keras optimizers (TF 2.11+, Keras 3) restores too; a trained model round
// trips with its optimizer state; and train_on_batch trains.
#include "cairn/keras/trackable.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cairn/checkpoint/checkpoint.h"
#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/keras/layers/dense.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

// The guide's model: Dense(5) on one input, Adam(0.1), mean absolute error.
Sequential toy_model() {
  set_random_seed(3);
  Sequential model({Dense(5, {.input_shape = Shape{1}})});
  model.compile({.optimizer = Adam{.learning_rate = 0.1}, .loss = "mae"});
  return model;
}

// The guide's data: x = 0..9, y = 5x + [0, 1, 2, 3, 4]; rows [begin, begin + n).
std::pair<Tensor, Tensor> toy_batch(int begin, int n) {
  Tensor x(DType::kFloat32, {n, 1}), y(DType::kFloat32, {n, 5});
  for (int i = 0; i < n; ++i) {
    const float v = static_cast<float>((begin + i) % 10);
    x.flat<float>()[static_cast<size_t>(i)] = v;
    for (int j = 0; j < 5; ++j) y.flat<float>()[static_cast<size_t>(i * 5 + j)] = 5 * v + j;
  }
  return {x, y};
}

const Tensor& weight(Sequential& model, int i) {
  return model.weights()[static_cast<size_t>(i)]->value;
}

TEST(KerasTrackableTest, TensorFlowGuideManagerDirectoryRestores) {
  auto fixtures = cairn::testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  const std::string dir = *fixtures + "/tf-guide-checkpoints-james/tf_ckpts";
  Sequential model = toy_model();
  Tensor step = Tensor::scalar<int32_t>(1);
  // The guide's Net is a subclassed model with `self.l1 = Dense(5)`.
  Checkpoint ckpt({{"step", step},
                   {"optimizer", optimizer_trackable(model)},
                   {"net", Checkpoint({{"l1", *model.layers()[0]}})}});
  CheckpointManager manager(ckpt, {.directory = dir, .max_to_keep = 3});
  EXPECT_EQ(manager.latest_checkpoint(), dir + "/ckpt-40");
  EXPECT_EQ(manager.restore_or_initialize(), dir + "/ckpt-40");
  EXPECT_EQ(step, Tensor::scalar<int32_t>(400));
  EXPECT_EQ(ckpt.save_counter(), 40);
  EXPECT_EQ(model.optimizer()->iterations(), 399);
  const Tensor& kernel = weight(model, 0);
  const Tensor& bias = weight(model, 1);
  EXPECT_FLOAT_EQ(kernel.flat<float>()[0], 4.9742975f);
  EXPECT_FLOAT_EQ(bias.flat<float>()[1], 1.0311308f);
  for (int j = 0; j < 5; ++j) {
    EXPECT_NEAR(kernel.flat<float>()[static_cast<size_t>(j)], 5.0, 0.1);
    EXPECT_NEAR(bias.flat<float>()[static_cast<size_t>(j)], j, 0.1);
  }
  // The Adam slots came along: m and v of the kernel are the checkpoint's.
  CheckpointReader reader(dir + "/ckpt-40");
  for (const char* slot : {"m", "v"}) {
    const Tensor stored = reader.get_tensor("net/l1/kernel/.OPTIMIZER_SLOT/optimizer/" +
                                            std::string(slot) + "/.ATTRIBUTES/VARIABLE_VALUE");
    bool found = false;
    for (nn::Variable* v : model.optimizer()->variables()) found |= v->value == stored;
    EXPECT_TRUE(found) << "slot " << slot;
  }
  // The iterator's DT_VARIANT state has no object here: partial, not consumed.
  CheckpointLoadStatus status = ckpt.restore(dir + "/ckpt-38");
  status.expect_partial();
  EXPECT_EQ(step, Tensor::scalar<int32_t>(380));
  try {
    status.assert_consumed();
    FAIL() << "the iterator was consumed";
  } catch (const FailedPreconditionError& e) {
    EXPECT_NE(std::string(e.what()).find("iterator/.ATTRIBUTES/ITERATOR"), std::string::npos)
        << e.what();
  }
  status.assert_existing_objects_matched();
}

TEST(KerasTrackableTest, NewKerasOptimizerLayoutRestores) {
  MemoryFileSystem fs;
  // What TF 2.13+'s Keras optimizer tracks: _iterations (also _variables/0),
  // _learning_rate, and the slots in _variables, per weight m then v.
  Tensor iterations = Tensor::scalar<int64_t>(12), learning_rate = Tensor::scalar<float>(0.1f);
  Tensor kernel = Tensor::from_vector<float>({1, 2, 3, 4, 5}, {1, 5});
  Tensor bias = Tensor::from_vector<float>({0, 1, 2, 3, 4}, {5});
  std::vector<Tensor> slots;
  for (int i = 0; i < 4; ++i)
    slots.push_back(Tensor::from_vector<float>(std::vector<float>(5, i + 0.5f),
                                               i < 2 ? TensorShape{1, 5} : TensorShape{5}));
  Checkpoint optimizer({{"_iterations", iterations},
                        {"_learning_rate", learning_rate},
                        {"_variables", Checkpoint({{"0", iterations},
                                                   {"1", slots[0]},
                                                   {"2", slots[1]},
                                                   {"3", slots[2]},
                                                   {"4", slots[3]}})}});
  Checkpoint writer(
      {{"net", Checkpoint({{"l1", Checkpoint({{"kernel", kernel}, {"bias", bias}})}})},
       {"optimizer", optimizer}});
  const std::string path = writer.save("/new/ckpt", fs);
  CheckpointReader reader(path, fs);
  ASSERT_TRUE(reader.has_tensor("optimizer/_variables/1/.ATTRIBUTES/VARIABLE_VALUE"));
  ASSERT_TRUE(reader.has_tensor("optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE"));

  Sequential model = toy_model();
  Checkpoint ckpt({{"optimizer", optimizer_trackable(model)},
                   {"net", Checkpoint({{"l1", *model.layers()[0]}})}});
  ckpt.restore(path, fs).assert_consumed();
  EXPECT_EQ(model.optimizer()->iterations(), 12);
  EXPECT_EQ(weight(model, 0), kernel);
  EXPECT_EQ(weight(model, 1), bias);
  std::map<std::string, Tensor> by_name;
  for (nn::Variable* v : model.optimizer()->variables()) by_name[v->name] = v->value;
  const std::string k = model.layers()[0]->name() + "/kernel",
                    b = model.layers()[0]->name() + "/bias";
  EXPECT_EQ(by_name[k + "/m"], slots[0]);
  EXPECT_EQ(by_name[k + "/v"], slots[1]);
  EXPECT_EQ(by_name[b + "/m"], slots[2]);
  EXPECT_EQ(by_name[b + "/v"], slots[3]);
}

TEST(KerasTrackableTest, TrainedModelRoundTripsWithItsOptimizer) {
  MemoryFileSystem fs;
  Sequential model = toy_model();
  for (int s = 0; s < 20; ++s) {
    auto [x, y] = toy_batch(2 * s, 2);
    model.train_on_batch(x, y);
  }
  Tensor step = Tensor::scalar<int32_t>(21);
  Checkpoint ckpt({{"step", step}, {"optimizer", optimizer_trackable(model)}, {"net", model}});
  const std::string path = ckpt.save("/m/ckpt", fs);
  CheckpointReader reader(path, fs);
  EXPECT_TRUE(reader.has_tensor("net/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
  EXPECT_TRUE(reader.has_tensor(
      "net/layer_with_weights-0/bias/.OPTIMIZER_SLOT/optimizer/v/.ATTRIBUTES/VARIABLE_VALUE"));
  EXPECT_EQ(reader.get_tensor("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE"),
            Tensor::scalar<int64_t>(20));

  set_random_seed(99);  // other initial weights
  Sequential again({Dense(5, {.input_shape = Shape{1}, .name = "renamed"})});
  again.compile({.optimizer = Adam{.learning_rate = 0.1}, .loss = "mae"});
  Tensor restored_step = Tensor::scalar<int32_t>(0);
  Checkpoint other(
      {{"net", again}, {"optimizer", optimizer_trackable(again)}, {"step", restored_step}});
  other.restore(path, fs).assert_consumed();
  EXPECT_EQ(restored_step, step);
  EXPECT_EQ(weight(again, 0), weight(model, 0));
  EXPECT_EQ(again.optimizer()->iterations(), 20);
  const nn::VariableRefs a = model.optimizer()->variables(), b = again.optimizer()->variables();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i]->value, b[i]->value) << a[i]->name;
  // Both continue alike.
  auto [x, y] = toy_batch(0, 2);
  EXPECT_DOUBLE_EQ(model.train_on_batch(x, y).get("loss"), again.train_on_batch(x, y).get("loss"));
}

TEST(KerasTrackableTest, TrainOnBatchLearnsTheGuidesToyProblem) {
  Sequential model = toy_model();
  auto [x, y] = toy_batch(0, 10);
  const double before = model.evaluate(x, y, {.verbose = 0}).get("loss");
  for (int s = 0; s < 300; ++s) {
    auto [bx, by] = toy_batch(2 * s, 2);
    model.train_on_batch(bx, by);
  }
  EXPECT_LT(model.evaluate(x, y, {.verbose = 0}).get("loss"), before / 10);
  EXPECT_EQ(model.optimizer()->iterations(), 300);
  Sequential uncompiled({Dense(5, {.input_shape = Shape{1}})});
  EXPECT_THROW(uncompiled.train_on_batch(x, y), FailedPreconditionError);
  EXPECT_THROW(optimizer_trackable(uncompiled), FailedPreconditionError);
}

}  // namespace
}  // namespace cairn::keras
