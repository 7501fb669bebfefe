// What MpiProcessGroup decides without MPI (this test runs as one plain
// process): whether mpirun started us, from the launcher's environment, and
// options it refuses.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>
#include <string>
#include <vector>

#include "cairn/core/errors.h"
#include "cairn/distribute/mpi_process_group.h"

namespace cairn::distribute {
namespace {

// Sets or clears the launchers' variables for one test, restoring them after.
class LauncherEnvironment {
 public:
  LauncherEnvironment() {
    for (const char* name : kNames) {
      const char* value = getenv(name);
      saved_.push_back(value ? std::optional<std::string>(value) : std::nullopt);
      unsetenv(name);
    }
  }
  ~LauncherEnvironment() {
    for (size_t i = 0; i < saved_.size(); ++i) {
      if (saved_[i]) {
        setenv(kNames[i], saved_[i]->c_str(), 1);
      } else {
        unsetenv(kNames[i]);
      }
    }
  }

 private:
  static constexpr const char* kNames[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK"};
  std::vector<std::optional<std::string>> saved_;
};

TEST(LaunchedByMpirunTest, FalseForAProcessStartedAlone) {
  LauncherEnvironment alone;
  EXPECT_FALSE(launched_by_mpirun());
}

TEST(LaunchedByMpirunTest, TrueUnderOpenMpisMpirun) {
  LauncherEnvironment environment;
  setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
  EXPECT_TRUE(launched_by_mpirun());
}

TEST(LaunchedByMpirunTest, TrueUnderAnotherPmixLauncher) {
  LauncherEnvironment environment;
  setenv("PMIX_RANK", "1", 1);
  EXPECT_TRUE(launched_by_mpirun());
}

// Checked before MPI starts, so this needs no mpirun either.
TEST(MpiProcessGroupOptionsTest, ATimeoutThatIsNotPositiveIsRefused) {
  EXPECT_THROW(MpiProcessGroup({.timeout_seconds = 0}), InvalidArgumentError);
  EXPECT_THROW(MpiProcessGroup({.timeout_seconds = -1}), InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::distribute
