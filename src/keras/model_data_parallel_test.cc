// A functional keras::Model's fit on a group of ranks (threads standing in
// for processes): two ranks train like one process on the same global
// batches, the replicas end equal with the same History, and rank 0 alone
// runs the callbacks that write files.
#include <gtest/gtest.h>

#include <cmath>

#include "cairn/core/in_process_group.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/keras/callbacks/callbacks.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/model.h"
#include "keras/keras_test_util.h"
#include "nn/gradient_check.h"

namespace cairn::keras {
namespace {

// Two inputs, two outputs (no BatchNormalization: its batch statistics are
// each rank's own, as in Keras, so it would not train like one process).
Model parallel_model() {
  set_random_seed(11);
  KerasTensor a = Input({4}, "a"), b = Input({3}, "b");
  KerasTensor h = Dense(6, {.activation = "relu", .name = "h"})(a);
  KerasTensor both = Concatenate({.name = "both"})({h, b});
  KerasTensor cls = Dense(3, {.activation = "softmax", .name = "cls"})(both);
  KerasTensor reg = Dense(1, {.name = "reg"})(both);
  Model model({a, b}, {cls, reg}, "parallel");
  model.compile({.optimizer = "adam",
                 .loss = {"sparse_categorical_crossentropy", "mse"},
                 .loss_weights = {1.0, 0.5}});
  return model;
}

struct ParallelData {
  Tensor a = nn::to_tensor(nn::testing::random_matrix(80, 4, 1));
  Tensor b = nn::to_tensor(nn::testing::random_matrix(80, 3, 2));
  Tensor cls = [] {
    std::vector<int64_t> ids(80);
    for (int i = 0; i < 80; ++i) ids[i] = (i * 5) % 3;
    return Tensor::from_vector<int64_t>(ids, {80});
  }();
  Tensor reg = nn::to_tensor(nn::testing::random_matrix(80, 1, 3));
};

TEST(ModelDataParallel, TwoRanksTrainLikeOneProcessAndOnlyRankZeroWritesFiles) {
  const ParallelData d;
  const ModelFitOptions options{.epochs = 4, .batch_size = 16, .verbose = 0};
  Model alone = parallel_model();
  const History one = alone.fit({d.a, d.b}, {d.cls, d.reg}, options);

  std::vector<Model> ranks;
  for (int r = 0; r < 2; ++r) ranks.push_back(parallel_model());
  std::vector<History> histories(2);
  MemoryFileSystem files[2];
  InProcessGroup group(2, {.timeout_seconds = 10});
  group.run([&](ProcessGroup& g) {
    Model& model = ranks[g.rank()];
    model.set_process_group(g);
    model.set_file_system(files[g.rank()]);
    ModelFitOptions mine = options;
    mine.callbacks = {std::make_shared<ModelCheckpoint>(
        "ckpt/cp-{epoch:02d}", ModelCheckpointOptions{.save_weights_only = true})};
    histories[g.rank()] = model.fit({d.a, d.b}, {d.cls, d.reg}, mine);
  });
  EXPECT_LT(testing::max_relative_difference(ranks[0], alone), 1e-5);
  EXPECT_EQ(testing::max_relative_difference(ranks[1], ranks[0]), 0.0);
  EXPECT_EQ(histories[1].history, histories[0].history);
  EXPECT_NEAR(histories[0].history.at("loss").back(), one.history.at("loss").back(), 1e-5);
  EXPECT_TRUE(files[0].file_exists("ckpt/cp-04.index"));
  EXPECT_FALSE(files[1].file_exists("ckpt/cp-04.index"));
}

}  // namespace
}  // namespace cairn::keras
