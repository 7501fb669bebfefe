// A checkpoint saved by some number of ranks restores at any other number,
// every rank through the one restore path (restore.h) reading the shared
// files, with the same values; the ranks agree on what they restored.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/restore.h"
#include "cairn/core/errors.h"
#include "cairn/core/in_process_group.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

constexpr const char* kRanksDir = "/m";

// A model's variables and an optimizer's slots, values depending on `seed`.
NamedTensors seeded_model(int seed) {
  NamedTensors out;
  const std::vector<std::pair<std::string, int64_t>> layout = {
      {"dense/kernel", 700}, {"dense/kernel/Adam", 700}, {"dense/kernel/Adam_1", 700},
      {"dense/bias", 30},    {"dense/bias/Adam", 30},    {"dense/bias/Adam_1", 30},
      {"logits/kernel", 90}, {"logits/bias", 3},         {"beta1_power", 1},
      {"beta2_power", 1}};
  for (size_t i = 0; i < layout.size(); ++i) {
    Tensor t(DType::kFloat32, {layout[i].second});
    for (int64_t k = 0; k < t.num_elements(); ++k) {
      t.flat<float>()[static_cast<size_t>(k)] = static_cast<float>(seed * 1000 + i) + 0.001f * k;
    }
    out.emplace_back(layout[i].first, std::move(t));
  }
  out.emplace_back("global_step", Tensor::scalar<int64_t>(seed));
  return out;
}

// The same names, dtypes and shapes, zeroed: a fresh model to restore into.
NamedTensors zeroed_like(const NamedTensors& tensors) {
  NamedTensors out;
  for (const auto& [name, t] : tensors) out.emplace_back(name, Tensor(t.dtype(), t.shape()));
  return out;
}

RestorePlanner plan_for(NamedTensors& into) {
  return [&into](const CheckpointToRestore&) {
    RestorePlan plan;
    for (auto& [name, t] : into) plan.targets.push_back({name, {name}, &t});
    return plan;
  };
}

class RestoreAnyRanksTest : public ::testing::Test {
 protected:
  void save_on(int ranks, int step) {
    const NamedTensors tensors = seeded_model(step);
    InProcessGroup group(ranks, {.timeout_seconds = 20});
    group.run([&](ProcessGroup& rank) {
      CheckpointManager({.directory = kRanksDir, .group = &rank}, disk_).save(step, tensors);
    });
  }

  // Restores on every rank of a group of `ranks`; checks each got `step`'s
  // model from the checkpoint of that step.
  void expect_restores_at(int ranks, int step) {
    InProcessGroup group(ranks, {.timeout_seconds = 20});
    group.run([&](ProcessGroup& rank) {
      NamedTensors into = zeroed_like(seeded_model(step));
      std::optional<Restored> r = restore_newest(kRanksDir, plan_for(into), {}, disk_, rank);
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->prefix, std::string(kRanksDir) + "/model.ckpt-" + std::to_string(step));
      const NamedTensors want = seeded_model(step);
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_TRUE(into[i].second == want[i].second)
            << want[i].first << " on rank " << rank.rank() << " of " << ranks;
      }
    });
  }

  MemoryFileSystem disk_;
};

TEST_F(RestoreAnyRanksTest, SavedByTwoRestoresAtOneTwoAndThree) {
  save_on(2, 40);
  expect_restores_at(1, 40);
  expect_restores_at(2, 40);
  expect_restores_at(3, 40);
}

TEST_F(RestoreAnyRanksTest, SavedByThreeRestoresAtTwo) {
  save_on(3, 41);
  expect_restores_at(2, 41);
}

TEST_F(RestoreAnyRanksTest, ResumedWithAnotherRankCountTheNextSaveIsNewest) {
  save_on(2, 10);
  save_on(3, 20);
  expect_restores_at(2, 20);
}

TEST_F(RestoreAnyRanksTest, RanksThatRestoredDifferentCheckpointsAreNamed) {
  save_on(2, 10);
  MemoryFileSystem elsewhere;  // what rank 1 sees: not rank 0's disk
  InProcessGroup group(2, {.timeout_seconds = 20});
  std::vector<std::string> errors(2);
  group.run([&](ProcessGroup& rank) {
    NamedTensors into = zeroed_like(seeded_model(10));
    try {
      restore_newest(kRanksDir, plan_for(into), {}, rank.rank() == 1 ? elsewhere : disk_, rank);
    } catch (const FailedPreconditionError& e) {
      errors[static_cast<size_t>(rank.rank())] = e.what();
    }
  });
  for (const std::string& e : errors) {
    EXPECT_THAT(e, HasSubstr("the ranks restored different checkpoints: rank 0 /m/model.ckpt-10; "
                             "rank 1 none"));
  }
}

TEST_F(RestoreAnyRanksTest, ARankThatCannotRestoreFailsEveryRankNamingIt) {
  save_on(2, 10);
  InProcessGroup group(3, {.timeout_seconds = 20});
  std::vector<std::string> errors(3);
  group.run([&](ProcessGroup& rank) {
    NamedTensors into = zeroed_like(seeded_model(10));
    if (rank.rank() == 2) into[0].second = Tensor(DType::kFloat32, {7});  // another model
    try {
      restore_newest(kRanksDir, plan_for(into), {}, disk_, rank);
    } catch (const InvalidArgumentError& e) {
      errors[static_cast<size_t>(rank.rank())] = e.what();
    }
  });
  for (const std::string& e : errors) {
    EXPECT_THAT(e, HasSubstr("rank 2: "));
    EXPECT_THAT(e, HasSubstr("dense/kernel"));
  }
}

TEST_F(RestoreAnyRanksTest, ARankThatNeverArrivesIsNamed) {
  save_on(2, 10);
  InProcessGroup group(2, {.timeout_seconds = 0.5});
  std::string error;
  group.run([&](ProcessGroup& rank) {
    if (rank.rank() == 1) return;
    NamedTensors into = zeroed_like(seeded_model(10));
    try {
      restore_newest(kRanksDir, plan_for(into), {}, disk_, rank);
    } catch (const DeadlineExceededError& e) {
      error = e.what();
    }
  });
  EXPECT_THAT(error, HasSubstr("checkpoint restore from /m: rank 1 did not arrive"));
}

}  // namespace
}  // namespace cairn
