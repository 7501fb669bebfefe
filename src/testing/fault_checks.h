// Test-only: what every run struck by a fault (fault_sweep.h) must leave in a
// checkpoint directory, shared by the Estimator and Keras fault sweeps.
//
//   inject_at_every_position(before, Fault::kNoSpace, run, [&](const FaultOutcome& o) {
//     const std::string newest = expect_earlier_files_kept(before, o, "/m/iris");
//     ...  // resume from `newest`
//   });
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>

#include "cairn/checkpoint/directory_lock.h"
#include "cairn/checkpoint/verify.h"
#include "testing/fault_sweep.h"

namespace cairn::testing {

// "<fault> at <k>: <error>", for failure messages.
inline std::string describe(const FaultOutcome& o) {
  return std::string(fault_name(o.fault)) + " at " + std::to_string(o.at) + ": " + o.error;
}

// The error names a file under `dir`; every file of `before` keeps its bytes
// (the state file and the directory lock are rewritten by design; a file
// `may_only_grow` accepts may have grown, its old bytes first); and the newest
// intact checkpoint is found with nothing skipped. Returns its prefix ("" when
// there is none).
inline std::string expect_earlier_files_kept(
    const Files& before, const FaultOutcome& o, const std::string& dir,
    const std::function<bool(const std::string&)>& may_only_grow = {}) {
  const std::string where = describe(o);
  EXPECT_NE(o.error.find(dir + "/"), std::string::npos) << where;
  const Files after = files_under(o.memory, dir);
  for (const auto& [path, bytes] : before) {
    const std::string name = basename(path);
    if (name == "checkpoint" || name == kDirectoryLockName) continue;
    auto it = after.find(path);
    if (it == after.end()) {
      ADD_FAILURE() << path << " lost; " << where;
    } else if (may_only_grow && may_only_grow(path)) {
      EXPECT_EQ(it->second.substr(0, bytes.size()), bytes) << path << " rewritten; " << where;
    } else {
      EXPECT_EQ(it->second, bytes) << path << " changed; " << where;
    }
  }
  std::optional<RestoreChoice> newest = newest_intact_checkpoint(dir, {}, o.memory);
  EXPECT_TRUE(newest) << where;
  if (!newest) return "";
  EXPECT_TRUE(newest->skipped.empty()) << ::testing::PrintToString(newest->skipped) << where;
  return newest->prefix;
}

}  // namespace cairn::testing
