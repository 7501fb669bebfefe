// Estimator::train on a group of ranks (threads standing in for processes,
// InProcessGroup): N ranks with b rows each train like one process with N·b
// rows; the same run repeated gives the same bits; rank 0 alone logs and
// writes; resuming equals not stopping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/directory_lock.h"
#include "cairn/core/in_process_group.h"
#include "cairn/io/memory_file_system.h"
#include "estimator/estimator_test_util.h"
#include "estimator/session.h"
#include "estimator/train_step.h"
#include "testing/write_recording_file_system.h"

namespace cairn::estimator {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Tensors = std::map<std::string, Tensor>;

constexpr int64_t kRowsPerRank = 10;

// Every tensor of the newest checkpoint in `dir`.
Tensors newest_checkpoint(FileSystem& fs, const std::string& dir) {
  CheckpointReader reader(dir, fs);
  Tensors out;
  for (const VariableInfo& v : reader.list_variables()) {
    out.emplace(v.name, reader.get_tensor(v.name));
  }
  return out;
}

// The largest |a - b| of any float element, relative to the largest |b| of
// its tensor (elements near zero are compared at their tensor's scale).
double max_relative_difference(const Tensors& a, const Tensors& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (const auto& [name, expected] : b) {
    if (expected.dtype() != DType::kFloat32) continue;
    std::span<const float> x = a.at(name).flat<float>(), y = expected.flat<float>();
    double scale = 0;
    for (float v : y) scale = std::max(scale, std::fabs(double{v}));
    for (size_t i = 0; i < y.size(); ++i) {
      worst = std::max(worst, std::fabs(double{x[i]} - y[i]) / std::max(scale, 1e-30));
    }
  }
  return worst;
}

DNNClassifierOptions classifier(FileSystem& fs, const std::string& dir) {
  DNNClassifierOptions o = testing::iris_options(dir);
  o.config.file_system = &fs;
  o.config.save_checkpoints_steps = 1000;
  return o;
}

DNNRegressorOptions regressor(FileSystem& fs, const std::string& dir) {
  DNNRegressorOptions o{.feature_columns = testing::iris_columns(),
                        .hidden_units = {8, 4},
                        .model_dir = dir,
                        .optimizer = "Adam",
                        .learning_rate = 0.01};
  o.config = classifier(fs, dir).config;
  return o;
}

// Every global batch is the whole training set, so a resumed run sees the
// batches an uninterrupted one does.
data::InputFn whole_set(const ModelSpec& spec) {
  return [spec] { return make_dataset(testing::iris_train(), spec).repeat().batch(120); };
}

// The global batches of a run: `batch` rows of the shuffled training set.
using InputFor = std::function<data::InputFn(const ModelSpec&)>;
InputFor shuffled(int64_t batch) {
  return [batch](const ModelSpec& spec) { return testing::train_input_fn(spec, batch); };
}

// Trains on `ranks` threads (1: alone, on the group of one) for `steps`
// steps of `input`, each rank its own estimator made by make(group) over
// the same directory.
template <typename Make>
void train_on_ranks(int ranks, Make make, const InputFor& input, int64_t steps) {
  auto train = [&](ProcessGroup& group) {
    auto estimator = make(group);
    estimator.train(input(estimator.spec()), {.steps = steps});
  };
  if (ranks == 1) return train(single_process());
  InProcessGroup group(ranks, {.timeout_seconds = 60});
  group.run(train);
}

// What each rank builds: its estimator of `options`, on its group.
template <typename Model, typename Options>
auto on_each_rank(Options options) {
  return [options](ProcessGroup& group) {
    Options o = options;
    o.config.process_group = &group;
    return Model(o);
  };
}

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

TEST(DataParallelTrainTest, TheSameRunRepeatedGivesTheSameBits) {
  MemoryFileSystem memory;
  for (const char* dir : {"/first", "/second"}) {
    // Slices of 11, 10 and 10 rows.
    train_on_ranks(3, on_each_rank<DNNClassifier>(classifier(memory, dir)),
                   shuffled(3 * kRowsPerRank + 1), 100);
  }
  EXPECT_EQ(newest_checkpoint(memory, "/first"), newest_checkpoint(memory, "/second"));
}

TEST(DataParallelTrainTest, RankZeroAloneLogsAndWritesAndEveryRankEvaluates) {
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
    internal::Session session = internal::open_training_session(spec, "/iris", config, {});
    started[g.rank()] = session.named_tensors();
    auto batches = testing::train_input_fn(spec, 30)().make_iterator();
    for (int step = 0; step < 5; ++step) {
      internal::train_step(spec, session, *batches.next(), g, [] { return false; });
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

TEST(DataParallelTrainTest, AsyncSavesAreSynchronousInAGroup) {
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

TEST(DataParallelTrainTest, SavingByTimeFollowsRankZerosClock) {
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

TEST(DataParallelTrainTest, RanksWhoseInputDiffersAreStoppedTogether) {
  MemoryFileSystem memory;
  InProcessGroup group(2, {.timeout_seconds = 60});
  std::vector<std::string> errors(2);
  group.run([&](ProcessGroup& g) {
    DNNClassifierOptions o = classifier(memory, "/iris");
    o.config.process_group = &g;
    DNNClassifier estimator(o);
    try {
      estimator.train(testing::train_input_fn(estimator.spec(), 20 + g.rank()), {.steps = 5});
    } catch (const InvalidArgumentError& e) {
      errors[g.rank()] = e.what();
    }
  });
  EXPECT_THAT(errors[0], HasSubstr("at step 1 rank 0's input_fn yielded a batch of 20 rows, but "
                                   "the ranks' batches add up to 41"));
  EXPECT_THAT(errors[1], HasSubstr("input_fn must yield the same global batches on every rank"));
}

TEST(DataParallelTrainTest, RankZerosFailureToLockIsEveryRanksError) {
  MemoryFileSystem memory;
  DirectoryLock other_job("/iris", "train: model_dir", memory);
  InProcessGroup group(2, {.timeout_seconds = 60});
  std::vector<std::string> errors(2);
  group.run([&](ProcessGroup& g) {
    DNNClassifierOptions o = classifier(memory, "/iris");
    o.config.process_group = &g;
    DNNClassifier estimator(o);
    try {
      estimator.train(testing::train_input_fn(estimator.spec(), 20), {.steps = 5});
    } catch (const FailedPreconditionError& e) {
      errors[g.rank()] = e.what();
    }
  });
  for (const std::string& e : errors) EXPECT_THAT(e, HasSubstr("rank 0: train: model_dir"));
}

TEST(DataParallelTrainTest, ATemporaryModelDirCannotBeShared) {
  InProcessGroup group(2);
  MemoryFileSystem memory;
  DNNClassifierOptions o = classifier(memory, "");
  o.config.process_group = &group.rank(1);
  EXPECT_THROW(DNNClassifier{o}, InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::estimator
