// Sequential::fit on a group of ranks (threads standing in for processes,
// InProcessGroup): N ranks train like one process on the same global
// batches; the same run repeated gives the same bits; rank 0 alone prints
// and writes files, while every rank gets the same History; unseeded
// replicas end equal; a run resumed by BackupAndRestore equals one never
// interrupted; one rank stopping stops all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cairn/core/errors.h"
#include "cairn/core/in_process_group.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/keras/callbacks/callbacks.h"
#include "cairn/keras/layers/normalization.h"
#include "keras/keras_test_util.h"
#include "testing/write_recording_file_system.h"

namespace cairn::keras {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A 4-16-3 softmax classifier without dropout; seeded unless seed is unset.
Sequential parallel_dense_model(OptimizerSpec optimizer, std::optional<uint64_t> seed = 7) {
  if (seed) set_random_seed(*seed);
  Sequential model({Dense(16, {.activation = "relu", .input_shape = Shape{4}}),
                    Dense(3, {.activation = "softmax"})});
  model.compile({.optimizer = std::move(optimizer),
                 .loss = "sparse_categorical_crossentropy",
                 .metrics = {"accuracy"}});
  return model;
}

// Fits models[r] as rank r of a group of models.size() (one: alone), with
// options_for(r); returns each rank's History.
std::vector<History> fit_on_ranks(std::vector<Sequential>& models, const Tensor& x, const Tensor& y,
                                  const std::function<FitOptions(int rank)>& options_for) {
  std::vector<History> histories(models.size());
  if (models.size() == 1) {
    histories[0] = models[0].fit(x, y, options_for(0));
    return histories;
  }
  InProcessGroup group(static_cast<int>(models.size()), {.timeout_seconds = 10});
  group.run([&](ProcessGroup& g) {
    models[g.rank()].set_process_group(g);
    histories[g.rank()] = models[g.rank()].fit(x, y, options_for(g.rank()));
  });
  return histories;
}

std::function<FitOptions(int)> same_options(FitOptions options) {
  return [options](int) { return options; };
}

TEST(FitDataParallelTest, NRanksTrainLikeOneProcessOnTheSameGlobalBatches) {
  for (const char* optimizer : {"sgd", "adam"}) {  // sgd: the fused step must not be used
    for (int ranks : {2, 3}) {
      const int batch = 10 * ranks;  // 10 rows per rank, 10 steps per epoch, 100 steps
      auto [x, y] = testing::blobs(10 * batch, 3);
      const FitOptions options{.epochs = 10, .batch_size = batch, .verbose = 0};
      std::vector<Sequential> alone, group;
      alone.push_back(parallel_dense_model(optimizer));
      for (int r = 0; r < ranks; ++r) group.push_back(parallel_dense_model(optimizer));
      const History one = fit_on_ranks(alone, x, y, same_options(options))[0];
      const std::vector<History> many = fit_on_ranks(group, x, y, same_options(options));
      const double difference = testing::max_relative_difference(group[0], alone[0]);
      EXPECT_LT(difference, 1e-5) << optimizer << ", " << ranks << " ranks";
      std::cout << optimizer << ", " << ranks << " ranks vs one process: " << difference << "\n";
      for (int r = 1; r < ranks; ++r) {
        EXPECT_TRUE(testing::same_weights(group[r], group[0])) << "rank " << r;
        EXPECT_EQ(many[r].history, many[0].history) << "rank " << r;
      }
      EXPECT_NEAR(many[0].history.at("loss").back(), one.history.at("loss").back(), 1e-5);
    }
  }
}

TEST(FitDataParallelTest, ALastBatchSmallerThanTheGroupLeavesSomeRanksNoRows) {
  auto [x, y] = testing::blobs(65, 3);  // batches of 32, 32 and 1
  const FitOptions options{.epochs = 3, .batch_size = 32, .verbose = 0};
  std::vector<Sequential> alone, group;
  alone.push_back(parallel_dense_model("adam"));
  for (int r = 0; r < 3; ++r) group.push_back(parallel_dense_model("adam"));
  fit_on_ranks(alone, x, y, same_options(options));
  fit_on_ranks(group, x, y, same_options(options));
  EXPECT_LT(testing::max_relative_difference(group[2], alone[0]), 1e-5);
}

TEST(FitDataParallelTest, TheSameRunRepeatedGivesTheSameBits) {
  auto [x, y] = testing::blobs(310, 3);
  std::vector<std::vector<Sequential>> runs(2);
  for (std::vector<Sequential>& models : runs) {
    for (int r = 0; r < 3; ++r) models.push_back(parallel_dense_model("adam"));
    fit_on_ranks(models, x, y, same_options({.epochs = 10, .batch_size = 31, .verbose = 0}));
  }
  EXPECT_TRUE(testing::same_weights(runs[0][0], runs[1][0]));
}

TEST(FitDataParallelTest, RankZeroAlonePrintsAndWritesAndEveryRankGetsTheSameHistory) {
  auto [x, y] = testing::blobs(90, 3);
  MemoryFileSystem memory;
  std::vector<std::unique_ptr<cairn::testing::WriteRecordingFileSystem>> files;
  std::vector<std::ostringstream> outputs(3);
  std::vector<Sequential> models;
  for (int r = 0; r < 3; ++r) {
    files.push_back(std::make_unique<cairn::testing::WriteRecordingFileSystem>(memory));
    models.push_back(parallel_dense_model("adam"));
    models[r].set_file_system(*files[r]);
    models[r].set_output(outputs[r]);
  }
  const std::vector<History> histories = fit_on_ranks(models, x, y, [](int) {
    return FitOptions{
        .epochs = 3,
        .batch_size = 30,
        .validation_split = 0.2,
        .callbacks = {std::make_shared<ModelCheckpoint>(
                          "/ckpt/cp-{epoch:02d}.ckpt",
                          ModelCheckpointOptions{.verbose = 1, .save_weights_only = true}),
                      std::make_shared<CSVLogger>("/log.csv"), std::make_shared<TensorBoard>("/tb"),
                      std::make_shared<BackupAndRestore>("/backup")},
        .verbose = 2};
  });
  EXPECT_THAT(outputs[0].str(), HasSubstr("Epoch 3/3"));
  EXPECT_THAT(outputs[0].str(), HasSubstr("saving model to /ckpt/cp-03.ckpt"));
  EXPECT_TRUE(memory.file_exists("/ckpt/cp-03.ckpt.index"));
  EXPECT_TRUE(memory.file_exists("/log.csv"));
  EXPECT_TRUE(memory.is_directory("/tb/train"));
  for (int r : {1, 2}) {
    EXPECT_EQ(outputs[r].str(), "") << "rank " << r;
    EXPECT_THAT(files[r]->written(), IsEmpty()) << "rank " << r;
    EXPECT_EQ(histories[r].history, histories[0].history) << "rank " << r;
  }
  EXPECT_EQ(histories[0].history.at("val_loss").size(), 3u);
}

TEST(FitDataParallelTest, UnseededReplicasStartFromRankZerosWeightsAndEndEqual) {
  auto [x, y] = testing::blobs(60, 3);
  std::vector<Sequential> models;
  for (int r = 0; r < 2; ++r) {
    models.push_back(parallel_dense_model("adam", std::nullopt));
    models[r].build(Shape{4});
  }
  ASSERT_FALSE(testing::same_weights(models[0], models[1]));  // the premise
  ASSERT_NE(models[0].seed(), models[1].seed());
  fit_on_ranks(models, x, y, same_options({.epochs = 2, .batch_size = 20, .verbose = 0}));
  EXPECT_TRUE(testing::same_weights(models[0], models[1]));
  EXPECT_EQ(models[1].seed(), models[0].seed());  // hence the same shuffle order
}

TEST(FitDataParallelTest, ResumedByBackupAndRestoreEqualsNeverInterrupted) {
  auto [x, y] = testing::blobs(120, 3);
  MemoryFileSystem memory;
  auto run = [&](const std::string& backup, std::optional<uint64_t> seed,
                 std::optional<int> fail_at) {
    std::vector<Sequential> models;
    for (int r = 0; r < 2; ++r) {
      models.push_back(parallel_dense_model("adam", seed));
      models[r].set_file_system(memory);
    }
    fit_on_ranks(models, x, y, [&](int) {
      FitOptions o{.epochs = 6, .batch_size = 20, .verbose = 0};
      o.callbacks.push_back(std::make_shared<BackupAndRestore>(backup));
      if (fail_at) o.callbacks.push_back(std::make_shared<testing::FailAtEpoch>(*fail_at));
      return o;
    });
    return models;
  };
  const std::vector<Sequential> uninterrupted = run("/backup_a", 11, std::nullopt);
  EXPECT_THROW(run("/backup_b", 11, 3), UnavailableError);
  // Fresh, unseeded replicas: rank 0's restored state must reach them all.
  const std::vector<Sequential> resumed = run("/backup_b", std::nullopt, std::nullopt);
  for (int r = 0; r < 2; ++r) {
    EXPECT_TRUE(testing::same_weights(resumed[r], uninterrupted[0])) << "rank " << r;
  }
}

// Stops training at the end of epoch `epoch`, on the rank it was given to.
class StopAfter : public Callback {
 public:
  explicit StopAfter(int epoch) : epoch_(epoch) {}
  void on_epoch_end(int epoch, const Logs&) override {
    if (epoch == epoch_) model().stop_training = true;
  }

 private:
  int epoch_;
};

// Each rank moves BatchNormalization's statistics by its own rows; after
// every step the ranks hold their mean, so the replicas stay equal.
TEST(FitDataParallelTest, MovingStatisticsAreAveragedOverTheRanks) {
  clear_session();
  auto [x, y] = testing::blobs(64, 3);
  std::vector<Sequential> models;
  for (int r = 0; r < 2; ++r) {
    set_random_seed(7);
    models.emplace_back(
        std::vector<LayerPtr>{Dense(8, {.input_shape = Shape{4}}), BatchNormalization(), Dense(3)});
    models.back().compile(
        {.optimizer = SGD{.learning_rate = 0.1}, .loss = "sparse_categorical_crossentropy"});
  }
  fit_on_ranks(models, x, y, same_options({.epochs = 2, .batch_size = 16, .verbose = 0}));
  const nn::Variable& mean0 = *models[0].layers()[1]->weights()[2];
  const nn::Variable& mean1 = *models[1].layers()[1]->weights()[2];
  EXPECT_EQ(mean0.name, "batch_normalization/moving_mean");
  EXPECT_NE(mean0.value.flat<float>()[0], 0.0f);
  EXPECT_TRUE(mean0.value == mean1.value);
  EXPECT_TRUE(testing::same_weights(models[0], models[1]));
}

TEST(FitDataParallelTest, OneRankStoppingStopsEveryRank) {
  auto [x, y] = testing::blobs(60, 3);
  std::vector<Sequential> models;
  for (int r = 0; r < 3; ++r) models.push_back(parallel_dense_model("adam"));
  const std::vector<History> histories = fit_on_ranks(models, x, y, [](int rank) {
    FitOptions o{.epochs = 5, .batch_size = 30, .verbose = 0};
    if (rank == 1) o.callbacks.push_back(std::make_shared<StopAfter>(1));
    return o;
  });
  for (const History& h : histories) EXPECT_EQ(h.epoch, (std::vector<int>{0, 1}));
}

TEST(FitDataParallelTest, RanksWithOtherSamplesAreRefusedTogether) {
  auto [x, y] = testing::blobs(60, 3);
  auto [fewer_x, fewer_y] = testing::blobs(50, 3);
  std::vector<Sequential> models;
  for (int r = 0; r < 2; ++r) models.push_back(parallel_dense_model("adam"));
  InProcessGroup group(2, {.timeout_seconds = 10});
  std::vector<std::string> errors(2);
  group.run([&](ProcessGroup& g) {
    models[g.rank()].set_process_group(g);
    try {
      models[g.rank()].fit(g.rank() == 0 ? x : fewer_x, g.rank() == 0 ? y : fewer_y,
                           {.batch_size = 20, .verbose = 0});
    } catch (const InvalidArgumentError& e) {
      errors[g.rank()] = e.what();
    }
  });
  for (const std::string& e : errors) {
    EXPECT_THAT(e, HasSubstr("rank 1: fit: rank 1 has 50 training samples, rank 0 60"));
  }
}

}  // namespace
}  // namespace cairn::keras
