// Estimator::train on a group of ranks (threads standing in for processes,
// InProcessGroup) computes what one process computes: N ranks with b rows
// each train like one process with N·b rows; the same run repeated gives
// the same bits; unseeded ranks start from rank 0's variables; resuming,
// at the same or another rank count, equals not stopping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/io/memory_file_system.h"
#include "estimator/data_parallel_test_util.h"
#include "estimator/session.h"
#include "estimator/train_step.h"

namespace cairn::estimator {
namespace {

using testing::classifier;
using testing::kRowsPerRank;
using testing::max_relative_difference;
using testing::newest_checkpoint;
using testing::on_each_rank;
using testing::regressor;
using testing::shuffled;
using testing::Tensors;
using testing::train_on_ranks;
using testing::whole_set;

TEST(DataParallelTrainTest, NRanksWithBatchBTrainLikeOneProcessWithBatchNB) {
  MemoryFileSystem memory;
  for (int ranks : {2, 3}) {
    const std::string alone = "/alone" + std::to_string(ranks),
                      group = "/group" + std::to_string(ranks);
    train_on_ranks(1, on_each_rank<DNNClassifier>(classifier(memory, alone)),
                   shuffled(ranks * kRowsPerRank), 100);
    train_on_ranks(ranks, on_each_rank<DNNClassifier>(classifier(memory, group)),
                   shuffled(ranks * kRowsPerRank), 100);
    const Tensors one = newest_checkpoint(memory, alone), many = newest_checkpoint(memory, group);
    EXPECT_EQ(many.at("global_step"), Tensor::scalar<int64_t>(100));
    const double difference = max_relative_difference(many, one);
    EXPECT_LT(difference, 1e-5) << ranks << " ranks";
    std::cout << ranks << " ranks vs one process: largest relative difference " << difference
              << "\n";
  }
}

TEST(DataParallelTrainTest, ARegressorWithAdamTrainsLikeOneProcess) {
  MemoryFileSystem memory;
  train_on_ranks(1, on_each_rank<DNNRegressor>(regressor(memory, "/alone")),
                 shuffled(3 * kRowsPerRank), 100);
  train_on_ranks(3, on_each_rank<DNNRegressor>(regressor(memory, "/group")),
                 shuffled(3 * kRowsPerRank), 100);
  EXPECT_LT(max_relative_difference(newest_checkpoint(memory, "/group"),
                                    newest_checkpoint(memory, "/alone")),
            1e-5);
}

TEST(DataParallelTrainTest, ABatchSmallerThanTheGroupLeavesARankNoRows) {
  MemoryFileSystem memory;
  train_on_ranks(1, on_each_rank<DNNClassifier>(classifier(memory, "/alone")), shuffled(2), 30);
  train_on_ranks(3, on_each_rank<DNNClassifier>(classifier(memory, "/group")), shuffled(2), 30);
  EXPECT_LT(max_relative_difference(newest_checkpoint(memory, "/group"),
                                    newest_checkpoint(memory, "/alone")),
            1e-5);
}

TEST(DataParallelTrainTest, TheSameRunRepeatedGivesTheSameBits) {
  MemoryFileSystem memory;
  for (const char* dir : {"/first", "/second"}) {
    // Slices of 11, 10 and 10 rows.
    train_on_ranks(3, on_each_rank<DNNClassifier>(classifier(memory, dir)),
                   shuffled(3 * kRowsPerRank + 1), 100);
  }
  EXPECT_EQ(newest_checkpoint(memory, "/first"), newest_checkpoint(memory, "/second"));
}

TEST(DataParallelTrainTest, UnseededRanksStartFromRankZerosVariablesAndStayEqual) {
  MemoryFileSystem memory;
  DNNClassifierOptions o = classifier(memory, "/iris");
  o.config.tf_random_seed.reset();
  const ModelSpec spec = DNNClassifier(o).spec();
  // The premise: two unseeded models differ.
  auto fresh = [&] { return internal::open_session(spec, "/none", o.config, {.training = true}); };
  ASSERT_NE(fresh().named_tensors(), fresh().named_tensors());

  InProcessGroup group(3, {.timeout_seconds = 60});
  std::vector<NamedTensors> started(3), trained(3);
  group.run([&](ProcessGroup& g) {
    RunConfig config = o.config;
    config.process_group = &g;
    internal::Session session = internal::open_training_session(*internal::canned_definition(spec),
                                                                "/iris", config, {}, nullptr);
    started[g.rank()] = session.named_tensors();
    auto batches = testing::train_input_fn(spec, 30)().make_iterator();
    for (int step = 0; step < 5; ++step) {
      internal::train_step(session, *batches.next(), g, [] { return false; });
    }
    trained[g.rank()] = session.named_tensors();
  });
  for (int r : {1, 2}) {
    EXPECT_EQ(started[r], started[0]) << "rank " << r;
    EXPECT_EQ(trained[r], trained[0]) << "rank " << r;
  }
  EXPECT_NE(trained[0], started[0]);
}

TEST(DataParallelTrainTest, ResumingAfterFiftyStepsEqualsAHundredUninterrupted) {
  MemoryFileSystem memory;
  InProcessGroup group(2, {.timeout_seconds = 60});
  group.run([&](ProcessGroup& g) {
    DNNClassifierOptions o = classifier(memory, "/resumed");
    o.config.process_group = &g;
    DNNClassifier resumed(o);
    resumed.train(whole_set(resumed.spec()), {.steps = 50});
    resumed.train(whole_set(resumed.spec()), {.steps = 50});  // restores step 50
    o.model_dir = "/uninterrupted";
    DNNClassifier uninterrupted(o);
    uninterrupted.train(whole_set(uninterrupted.spec()), {.steps = 100});
  });
  const Tensors resumed = newest_checkpoint(memory, "/resumed");
  EXPECT_EQ(resumed.at("global_step"), Tensor::scalar<int64_t>(100));
  EXPECT_EQ(resumed, newest_checkpoint(memory, "/uninterrupted"));
}

TEST(DataParallelTrainTest, ResumingAtAnotherRankCountTrainsOnAsBefore) {
  MemoryFileSystem memory;
  train_on_ranks(1, on_each_rank<DNNClassifier>(classifier(memory, "/alone")), whole_set, 100);
  train_on_ranks(2, on_each_rank<DNNClassifier>(classifier(memory, "/resized")), whole_set, 50);
  EXPECT_TRUE(memory.file_exists("/resized/model.ckpt-50.data-00001-of-00002"));
  train_on_ranks(3, on_each_rank<DNNClassifier>(classifier(memory, "/resized")), whole_set, 50);
  EXPECT_TRUE(memory.file_exists("/resized/model.ckpt-100.data-00002-of-00003"));
  EXPECT_LT(max_relative_difference(newest_checkpoint(memory, "/resized"),
                                    newest_checkpoint(memory, "/alone")),
            1e-5);
}

}  // namespace
}  // namespace cairn::estimator
