// Model::save_weights / load_weights: TF checkpoints with tf.keras's object
// keys and Keras 2 .h5 files round-trip a functional model (shared layer,
// merge, optimizer state) bit-exactly; a different model is refused with
// every mismatch listed.
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/model.h"
#include "keras/keras_test_util.h"
#include "nn/gradient_check.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

Model shared_model(uint64_t seed, int64_t units = 3) {
  set_random_seed(seed);
  KerasTensor a = Input({4}, "a"), b = Input({4}, "b");
  Dense shared(units, {.activation = "relu", .name = "shared"});
  KerasTensor both = Concatenate({.name = "both"})({shared(a), shared(b)});
  KerasTensor out = Dense(2, {.activation = "softmax", .name = "out"})(both);
  Model model({a, b}, {out}, "pair");
  model.compile({.optimizer = "adam", .loss = {"sparse_categorical_crossentropy"}});
  return model;
}

struct Data {
  Tensor a = nn::to_tensor(nn::testing::random_matrix(16, 4, 1));
  Tensor b = nn::to_tensor(nn::testing::random_matrix(16, 4, 2));
  Tensor y = Tensor::from_vector<int64_t>({0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0}, {16});
};

TEST(ModelWeights, TfCheckpointRoundTripsWithOptimizerState) {
  cairn::testing::TempDir dir;
  const Data d;
  Model model = shared_model(1);
  model.fit({d.a, d.b}, d.y, {.epochs = 2, .batch_size = 8, .verbose = 0});
  model.save_weights(dir.path() + "/ckpt");
  CheckpointReader reader(dir.path() + "/ckpt");
  // Keras's layers: a, b, shared, both, out; those with weights: shared, out.
  EXPECT_TRUE(reader.has_tensor("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
  EXPECT_TRUE(reader.has_tensor("layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE"));
  EXPECT_TRUE(reader.has_tensor(
      "layer_with_weights-1/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"));
  EXPECT_FALSE(reader.has_tensor("layer_with_weights-2/kernel/.ATTRIBUTES/VARIABLE_VALUE"));

  Model again = shared_model(2);
  again.load_weights(dir.path() + "/ckpt");
  EXPECT_TRUE(testing::same_weights(model, again));
  EXPECT_EQ(again.optimizer()->iterations(), model.optimizer()->iterations());
  EXPECT_TRUE(again.predict({d.a, d.b})[0] == model.predict({d.a, d.b})[0]);
  // Both continue identically: the optimizer slots came back too.
  model.fit({d.a, d.b}, d.y, {.epochs = 1, .batch_size = 8, .shuffle = false, .verbose = 0});
  again.fit({d.a, d.b}, d.y, {.epochs = 1, .batch_size = 8, .shuffle = false, .verbose = 0});
  EXPECT_TRUE(testing::same_weights(model, again));
}

TEST(ModelWeights, H5RoundTrips) {
  cairn::testing::TempDir dir;
  Model model = shared_model(3);
  model.save_weights(dir.path() + "/w.h5");
  Model again = shared_model(4);
  again.load_weights(dir.path() + "/w.h5");
  EXPECT_TRUE(testing::same_weights(model, again));
}

TEST(ModelWeights, OtherArchitectureIsRefusedWithEveryMismatch) {
  cairn::testing::TempDir dir;
  Model model = shared_model(5);
  model.save_weights(dir.path() + "/ckpt");
  model.save_weights(dir.path() + "/w.h5");
  Model wider = shared_model(6, /*units=*/5);
  const Tensor before = wider.weights()[0]->value;
  for (const char* path : {"/ckpt", "/w.h5"}) {
    try {
      wider.load_weights(dir.path() + path);
      ADD_FAILURE() << path << " loaded into a wider model";
    } catch (const InvalidArgumentError& e) {
      EXPECT_NE(std::string(e.what()).find("shared"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(wider.weights()[0]->value == before);  // unchanged
  }
}

}  // namespace
}  // namespace cairn::keras
