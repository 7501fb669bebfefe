// Every save path under injected disk faults, at every position they can
// strike: no space at the k-th append, a short write, EIO on any fsync, a
// failed rename. Each failed save throws ResourceExhaustedError,
// DataLossError or another cairn::Error naming a file under the directory;
// the earlier checkpoint keeps every byte, the newest checkpoint recorded
// still restores with every checksum valid, no temporary is left behind,
// and the next save succeeds. The suite prints how many faults it injected.
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/checkpoint/verify.h"
#include "cairn/core/errors.h"
#include "cairn/io/fault_injecting_file_system.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

constexpr const char* kFaultDir = "/m";

NamedTensors step_tensors(int step) {
  Tensor w(DType::kFloat32, {1000});
  for (int i = 0; i < 1000; ++i)
    w.flat<float>()[static_cast<size_t>(i)] = static_cast<float>(step * i);
  return {{"dense/kernel", w}, {"global_step", Tensor::scalar<int64_t>(step)}};
}

std::map<std::string, std::string> snapshot(MemoryFileSystem& fs) {
  std::map<std::string, std::string> files;
  for (const std::string& name : value_or_throw(fs.list_directory(kFaultDir))) {
    files[name] = *fs.mutable_contents(std::string(kFaultDir) + "/" + name);
  }
  return files;
}

// One way of saving, given a file system.
using SaveFn = std::function<void(FileSystem&, int step)>;

// Saves step 1 cleanly, then step 2 with `fault` at every position it can
// strike, checking the promises above each time. Returns the faults injected.
int check_every_position(const SaveFn& save, Fault fault) {
  int injected = 0;
  for (int64_t at = 0;; ++at) {
    MemoryFileSystem memory;
    FaultInjectingFileSystem fs(memory);
    save(fs, 1);
    const auto before = snapshot(memory);
    fs.inject(fault, at);
    bool threw = false;
    try {
      save(fs, 2);
    } catch (const Error& e) {
      threw = true;
      EXPECT_NE(std::string(e.what()).find(kFaultDir), std::string::npos) << e.what();
      if (fault == Fault::kNoSpace || fault == Fault::kShortWrite) {
        EXPECT_EQ(e.code(), StatusCode::kResourceExhausted) << e.what();
      }
      if (fault == Fault::kSyncError) {
        EXPECT_EQ(e.code(), StatusCode::kDataLoss) << e.what();
      }
    }
    if (!fs.fired()) {
      EXPECT_FALSE(threw);
      return injected;  // past the last operation of this kind
    }
    ++injected;
    EXPECT_TRUE(threw) << "a fault at position " << at << " went unreported";
    // The earlier checkpoint keeps every byte; whatever is recorded restores.
    const auto after = snapshot(memory);
    for (const auto& [name, bytes] : before) {
      if (name == "checkpoint") continue;  // may already name step 2 if only the last fsync failed
      EXPECT_TRUE(after.count(name)) << name << " lost, fault at " << at;
      if (!after.count(name)) return injected;
      EXPECT_EQ(after.at(name), bytes) << name << " changed, fault at " << at;
    }
    for (const auto& [name, bytes] : after) {
      EXPECT_EQ(name.find("temp"), std::string::npos) << "left behind: " << name;
      EXPECT_EQ(name.find(".tmp"), std::string::npos) << "left behind: " << name;
    }
    std::optional<std::string> latest = latest_checkpoint(kFaultDir, memory);
    EXPECT_TRUE(latest);
    if (!latest) return injected;
    EXPECT_TRUE(verify_checkpoint(*latest, memory).ok) << *latest << " fault at " << at;
    if (*latest != std::string(kFaultDir) + "/model.ckpt-2") {
      EXPECT_EQ(after.at("checkpoint"), before.at("checkpoint")) << "fault at " << at;
    }
    fs.clear();
    save(fs, 3);
    EXPECT_EQ(latest_checkpoint(kFaultDir, memory), std::string(kFaultDir) + "/model.ckpt-3");
  }
}

void save_with_save_variables(FileSystem& fs, int step) {
  save_variables(std::string(kFaultDir) + "/model.ckpt-" + std::to_string(step), step_tensors(step),
                 {}, fs);
}

void save_with_manager(FileSystem& fs, int step) {
  CheckpointManager manager({.directory = kFaultDir, .max_to_keep = 1}, fs);
  manager.save(step, step_tensors(step));
}

class FaultInjectionTest : public ::testing::TestWithParam<Fault> {};

TEST_P(FaultInjectionTest, SaveVariables) {
  const int injected = check_every_position(save_with_save_variables, GetParam());
  std::cout << "save_variables: " << injected << " faults injected, each survived\n";
  EXPECT_GT(injected, 0);
}

TEST_P(FaultInjectionTest, CheckpointManagerWithRetention) {
  const int injected = check_every_position(save_with_manager, GetParam());
  std::cout << "CheckpointManager: " << injected << " faults injected, each survived\n";
  EXPECT_GT(injected, 0);
}

INSTANTIATE_TEST_SUITE_P(EveryFault, FaultInjectionTest,
                         ::testing::Values(Fault::kNoSpace, Fault::kShortWrite, Fault::kSyncError,
                                           Fault::kRenameError));

}  // namespace
}  // namespace cairn
