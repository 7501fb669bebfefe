// Estimator::train under disk faults at every position they can strike: a
// full disk (ENOSPC, or a write cut short), a failed fsync, a failed
// rename, each injected at every operation of its kind that a train call
// makes (the lock file, graph.pbtxt, the event file, checkpoints with their
// .meta, the state file). Each time train throws an error naming a file
// of the model directory; every file the earlier train left keeps its bytes
// (an event file is only appended to); no checkpoint is damaged; and the
// next train, with the disk healthy again, restores the newest intact
// checkpoint and goes on.
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/directory_lock.h"
#include "cairn/checkpoint/verify.h"
#include "estimator/estimator_test_util.h"
#include "testing/fault_checks.h"

namespace cairn::estimator {
namespace {

using cairn::testing::FaultOutcome;
using cairn::testing::Files;

constexpr const char* kDir = "/m/iris";

DNNClassifierOptions fault_options(FileSystem& fs, testing::LogCapture* log = nullptr) {
  DNNClassifierOptions o = testing::iris_options(kDir, {3});
  o.config.file_system = &fs;
  o.config.save_checkpoints_steps = 1;
  o.config.keep_checkpoint_max = 0;  // keep all: every earlier checkpoint stays
  if (log) o.config.log = log->sink();
  return o;
}

void train(FileSystem& fs, int64_t max_steps, testing::LogCapture* log = nullptr) {
  DNNClassifier classifier(fault_options(fs, log));
  classifier.train(testing::train_input_fn(classifier.spec(), 10), {.max_steps = max_steps});
}

bool is_event_file(const std::string& path) {
  return basename(path).rfind("events.out.tfevents.", 0) == 0;
}

// What every faulted train (steps 2 -> 4) must leave behind.
void check(const Files& before, const FaultOutcome& o) {
  const std::string where = cairn::testing::describe(o);
  const std::string resumed_from =
      cairn::testing::expect_earlier_files_kept(before, o, kDir, is_event_file);
  if (resumed_from.empty()) return;

  testing::LogCapture log;
  train(o.memory, 5, &log);  // the disk is healthy again
  EXPECT_TRUE(log.contains("Restoring parameters from " + resumed_from)) << where;
  EXPECT_EQ(latest_checkpoint(kDir, o.memory), std::string(kDir) + "/model.ckpt-5") << where;
  EXPECT_TRUE(verify_checkpoint(std::string(kDir) + "/model.ckpt-5", o.memory).ok) << where;
}

class EstimatorFaultTest : public ::testing::TestWithParam<Fault> {};

TEST_P(EstimatorFaultTest, TrainSurvivesTheFaultAtEveryPosition) {
  MemoryFileSystem memory;
  train(memory, 2);  // model.ckpt-1 and -2, graph.pbtxt, an event file
  const Files before = cairn::testing::files_under(memory, kDir);
  const int64_t positions = cairn::testing::inject_at_every_position(
      before, GetParam(), [](FileSystem& fs) { train(fs, 4); },
      [&](const FaultOutcome& o) { check(before, o); });
  std::cout << "Estimator train, " << cairn::testing::fault_name(GetParam()) << ": " << positions
            << " positions, each survived\n";
  EXPECT_GT(positions, 2);
}

INSTANTIATE_TEST_SUITE_P(EveryFault, EstimatorFaultTest,
                         ::testing::Values(Fault::kNoSpace, Fault::kShortWrite, Fault::kSyncError,
                                           Fault::kRenameError));

}  // namespace
}  // namespace cairn::estimator
