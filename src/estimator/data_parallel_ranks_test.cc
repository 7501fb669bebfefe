// Each rank's part when Estimator::train runs on a group (InProcessGroup):
// rank 0 alone logs and writes (the others only their checkpoint shards),
// every rank evaluates; saves follow rank 0's clock and are synchronous;
// rank 0's failures and mismatched inputs stop every rank together.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "cairn/checkpoint/directory_lock.h"
#include "cairn/io/memory_file_system.h"
#include "estimator/data_parallel_test_util.h"
#include "testing/write_recording_file_system.h"

namespace cairn::estimator {
namespace {

using testing::classifier;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::newest_checkpoint;
using testing::shuffled;
using testing::train_on_ranks;

TEST(DataParallelRanksTest, RankZeroAloneLogsAndWritesAndEveryRankEvaluates) {
  MemoryFileSystem memory;
  InProcessGroup group(3, {.timeout_seconds = 60});
  std::vector<std::unique_ptr<cairn::testing::WriteRecordingFileSystem>> files;
  std::vector<testing::LogCapture> logs(3);
  for (int r = 0; r < 3; ++r) {
    files.push_back(std::make_unique<cairn::testing::WriteRecordingFileSystem>(memory));
  }
  std::vector<EvalResult> results(3);
  group.run([&](ProcessGroup& g) {
    DNNClassifierOptions o = classifier(*files[g.rank()], "/iris");
    o.config.process_group = &g;
    o.config.log = logs[g.rank()].sink();
    o.config.save_summary_steps = 10;
    DNNClassifier estimator(o);
    estimator.train(testing::train_input_fn(estimator.spec(), 30), {.steps = 20});
    results[g.rank()] = estimator.evaluate(testing::eval_input_fn(estimator.spec()));
  });
  EXPECT_TRUE(logs[0].contains("loss = "));
  EXPECT_TRUE(logs[0].contains("Saving checkpoints for 20"));
  const std::vector<std::string> written = files[0]->written();
  auto wrote = [&](const std::string& what) {
    return std::any_of(written.begin(), written.end(),
                       [&](const std::string& call) { return call.find(what) != call.npos; });
  };
  EXPECT_TRUE(wrote("graph.pbtxt"));
  EXPECT_TRUE(wrote("/iris/events.out.tfevents."));
  EXPECT_TRUE(wrote("/iris/eval/events.out.tfevents."));
  EXPECT_TRUE(wrote("model.ckpt-20.index"));
  for (int r : {1, 2}) {
    EXPECT_THAT(logs[r].lines, IsEmpty()) << "rank " << r;
    // Its data shard of each checkpoint is all a rank other than 0 writes.
    const std::string shard = ".data-0000" + std::to_string(r) + "-of-00003.";
    for (const std::string& call : files[r]->written()) {
      if (call != "mkdir /iris") {
        EXPECT_THAT(call, HasSubstr(shard)) << "rank " << r;
      }
    }
    EXPECT_EQ(results[r].metrics, results[0].metrics);
  }
  EXPECT_EQ(results[0].global_step, 20);
}

TEST(DataParallelRanksTest, AsyncSavesAreSynchronousInAGroup) {
  MemoryFileSystem memory;
  testing::LogCapture log;
  train_on_ranks(
      2,
      [&](ProcessGroup& g) {
        DNNClassifierOptions o = classifier(memory, "/iris");
        o.config.process_group = &g;
        o.config.async_save = true;
        if (g.is_chief()) o.config.log = log.sink();
        return DNNClassifier(o);
      },
      shuffled(20), 10);
  EXPECT_TRUE(log.contains("async_save: saving synchronously, as 2 ranks write each checkpoint"));
  EXPECT_EQ(newest_checkpoint(memory, "/iris").at("global_step"), Tensor::scalar<int64_t>(10));
}

TEST(DataParallelRanksTest, SavingByTimeFollowsRankZerosClock) {
  MemoryFileSystem memory;
  double rank0_seconds = 0;  // a second passes each time rank 0 looks
  InProcessGroup group(2, {.timeout_seconds = 10});
  group.run([&](ProcessGroup& g) {
    DNNClassifierOptions o = classifier(memory, "/iris");
    o.config.process_group = &g;
    o.config.save_checkpoints_steps.reset();
    o.config.save_checkpoints_secs = 10;
    o.config.keep_checkpoint_max = 0;
    if (g.is_chief()) {
      o.config.clock = [&rank0_seconds] { return rank0_seconds += 1; };
    } else {
      o.config.clock = [] { return 0.0; };  // by its own clock, rank 1 would never save
    }
    DNNClassifier estimator(o);
    estimator.train(testing::train_input_fn(estimator.spec(), 20), {.steps = 30});
  });
  // Its first step, its last, and every 10 s of rank 0's clock between.
  const std::vector<std::string> files = value_or_throw(memory.list_directory("/iris"));
  EXPECT_GT(std::count_if(files.begin(), files.end(),
                          [](const std::string& f) { return f.ends_with(".index"); }),
            3);
}

// What train() threw (an error of type E) on each of two ranks training
// 5 steps into /iris, "" where it returned; rank r's input_fn yields
// batches of rows_of_rank(r) rows.
template <typename E>
std::vector<std::string> train_errors_on_two_ranks(
    MemoryFileSystem& memory, const std::function<int64_t(int)>& rows_of_rank) {
  InProcessGroup group(2, {.timeout_seconds = 60});
  std::vector<std::string> errors(2);
  group.run([&](ProcessGroup& g) {
    DNNClassifierOptions o = classifier(memory, "/iris");
    o.config.process_group = &g;
    DNNClassifier estimator(o);
    try {
      estimator.train(testing::train_input_fn(estimator.spec(), rows_of_rank(g.rank())),
                      {.steps = 5});
    } catch (const E& e) {
      errors[g.rank()] = e.what();
    }
  });
  return errors;
}

TEST(DataParallelRanksTest, RanksWhoseInputDiffersAreStoppedTogether) {
  MemoryFileSystem memory;
  std::vector<std::string> errors =
      train_errors_on_two_ranks<InvalidArgumentError>(memory, [](int rank) { return 20 + rank; });
  EXPECT_THAT(errors[0], HasSubstr("at step 1 rank 0's input_fn yielded a batch of 20 rows, but "
                                   "the ranks' batches add up to 41"));
  EXPECT_THAT(errors[1], HasSubstr("input_fn must yield the same global batches on every rank"));
}

TEST(DataParallelRanksTest, RankZerosFailureToLockIsEveryRanksError) {
  MemoryFileSystem memory;
  DirectoryLock other_job("/iris", "train: model_dir", memory);
  std::vector<std::string> errors =
      train_errors_on_two_ranks<FailedPreconditionError>(memory, [](int) { return 20; });
  for (const std::string& e : errors) EXPECT_THAT(e, HasSubstr("rank 0: train: model_dir"));
}

TEST(DataParallelRanksTest, ATemporaryModelDirCannotBeShared) {
  InProcessGroup group(2);
  MemoryFileSystem memory;
  DNNClassifierOptions o = classifier(memory, "");
  o.config.process_group = &group.rank(1);
  EXPECT_THROW(DNNClassifier{o}, InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::estimator
