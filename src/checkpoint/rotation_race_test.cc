// Issue 19, finding 17: readers racing a trainer that rotates checkpoints
// (keep 3, a save every step) reported "DAMAGED ... no file ...index" and
// failed restores NOT_FOUND for checkpoints that were merely rotated away.
// A reader now re-reads the state file and retries, and reads a checkpoint
// it has opened even if its files are deleted meanwhile.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/verify.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

constexpr int kSaves = 100;

NamedTensors race_tensors(int64_t step) {
  Tensor w(DType::kFloat32, {64 * 1024});  // 256 KiB: reading takes a while
  for (int64_t i = 0; i < w.num_elements(); ++i) {
    w.flat<float>()[static_cast<size_t>(i)] = static_cast<float>(step);
  }
  return {{"global_step", Tensor::scalar<int64_t>(step)}, {"w", w}};
}

// One reader pass: every checkpoint verify lists is intact (or an orphan),
// and the newest intact one reads back whole, with its own step.
std::string read_once(const std::string& dir) {
  for (const CheckpointHealth& h : verify_directory(dir)) {
    if (!h.ok && !h.orphan) return "verify: DAMAGED " + h.prefix + ": " + h.problem;
  }
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(dir);
  if (!choice) return "no checkpoint found";
  const int64_t step = choice->reader->get_tensor("global_step").flat<int64_t>()[0];
  const Tensor w = choice->reader->get_tensor("w");
  if (w.flat<float>()[w.flat<float>().size() - 1] != static_cast<float>(step)) {
    return "mixed checkpoint " + choice->prefix;
  }
  if (choice->prefix != dir + "/model.ckpt-" + std::to_string(step)) {
    return choice->prefix + " holds step " + std::to_string(step);
  }
  return "";
}

TEST(RotationRaceTest, ReadersRacingARotatingTrainerNeverReportDamage) {
  testing::TempDir dir;
  CheckpointManager manager({.directory = dir.path(), .max_to_keep = 3});
  manager.save(0, race_tensors(0));
  std::atomic<bool> done{false};
  std::string writer_error;
  std::thread writer([&] {
    try {
      for (int step = 1; step <= kSaves; ++step) manager.save(step, race_tensors(step));
    } catch (const std::exception& e) {
      writer_error = e.what();
    }
    done = true;
  });
  std::vector<std::string> failures;
  int rounds = 0;
  while (!done) {
    try {
      std::string failure = read_once(dir.path());
      if (!failure.empty()) failures.push_back(failure);
    } catch (const std::exception& e) {
      failures.push_back(e.what());
    }
    ++rounds;
  }
  writer.join();
  EXPECT_EQ(writer_error, "");
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << rounds
                                << " rounds failed, first: " << failures.front();
  EXPECT_GT(rounds, 0);
}

}  // namespace
}  // namespace cairn
