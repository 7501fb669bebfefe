// The collectives of data-parallel training over variables, on ranks run
// as threads (InProcessGroup): rank 0's values reach every rank; gradients
// are summed with each rank's weight; a group of one changes nothing.
#include "cairn/nn/data_parallel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/core/in_process_group.h"

namespace cairn::nn {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A kernel [2] and a non-trainable counter, valued by `rank`.
struct Replica {
  explicit Replica(int rank)
      : kernel{"dense/kernel", Tensor::from_vector<float>({1.0f * rank, 10.0f * rank}, {2}), true,
               Tensor::from_vector<float>({1.0f + rank, 2.0f + rank}, {2})},
        counter{"step", Tensor::scalar<int64_t>(100 + rank), false, Tensor()} {}
  VariableRefs refs() { return {&kernel, &counter}; }
  Variable kernel;
  Variable counter;
};

TEST(DataParallelTest, BroadcastValuesGivesEveryRankRankZerosValues) {
  InProcessGroup group(3, {.timeout_seconds = 10});
  std::vector<Replica> replicas{Replica(0), Replica(1), Replica(2)};
  group.run([&](ProcessGroup& g) { broadcast_values(g, replicas[g.rank()].refs(), "start"); });
  for (Replica& r : replicas) {
    EXPECT_THAT(r.kernel.value.flat<float>(), ElementsAre(0.0f, 0.0f));
    EXPECT_EQ(r.counter.value.flat<int64_t>()[0], 100);
  }
  // Only values travel: each rank keeps its own gradient.
  EXPECT_THAT(replicas[2].kernel.gradient.flat<float>(), ElementsAre(3.0f, 4.0f));
}

TEST(DataParallelTest, BroadcastValuesRefusesRanksWithAnotherModel) {
  InProcessGroup group(2, {.timeout_seconds = 10});
  std::vector<Replica> replicas{Replica(0), Replica(1)};
  replicas[1].kernel.value = Tensor(DType::kFloat32, {3});
  try {
    group.run([&](ProcessGroup& g) { broadcast_values(g, replicas[g.rank()].refs(), "start"); });
    FAIL() << "expected FailedPreconditionError";
  } catch (const FailedPreconditionError& e) {
    EXPECT_THAT(e.what(), HasSubstr("start: rank 0 sent 16 bytes"));
    EXPECT_THAT(e.what(), HasSubstr("rank 1's 2 variables hold 20"));
  }
}

TEST(DataParallelTest, AllReduceSumsWeightedGradientsAndExtras) {
  InProcessGroup group(3, {.timeout_seconds = 10});
  std::vector<Replica> replicas{Replica(0), Replica(1), Replica(2)};
  std::vector<std::vector<float>> extras(3);
  group.run([&](ProcessGroup& g) {
    const int r = g.rank();
    extras[r] = {1.0f * r, 1.0f};
    // Rows 1, 2 and 3 of a global batch of 6.
    all_reduce_gradients(g, replicas[r].refs(), (r + 1) / 6.0f, extras[r], "step 1");
  });
  // Gradients {1+r, 2+r} weighted by (r+1)/6: (1·1 + 2·2 + 3·3)/6, (1·2 + 2·3 + 3·4)/6.
  for (int r = 0; r < 3; ++r) {
    EXPECT_THAT(replicas[r].kernel.gradient.flat<float>(),
                ElementsAre(::testing::FloatEq(14.0f / 6), ::testing::FloatEq(20.0f / 6)));
    EXPECT_THAT(extras[r], ElementsAre(3.0f, 3.0f));
    EXPECT_EQ(replicas[r].counter.value.flat<int64_t>()[0], 100 + r);  // not trainable
  }
}

TEST(DataParallelTest, AllReduceNamesAVariableWithoutItsGradient) {
  InProcessGroup group(2, {.timeout_seconds = 10});
  std::vector<Replica> replicas{Replica(0), Replica(1)};
  for (Replica& r : replicas) r.kernel.gradient = Tensor();
  try {
    group.run([&](ProcessGroup& g) {
      all_reduce_gradients(g, replicas[g.rank()].refs(), 0.5f, {}, "step 1");
    });
    FAIL() << "expected InternalError";
  } catch (const InternalError& e) {
    EXPECT_THAT(e.what(), HasSubstr("variable dense/kernel has a float32 gradient of shape [0]"));
  }
}

TEST(DataParallelTest, AGroupOfOneChangesNothing) {
  Replica replica(1);
  float extra = 2.0f;
  all_reduce_gradients(single_process(), replica.refs(), 0.25f, {&extra, 1}, "step 1");
  broadcast_values(single_process(), replica.refs(), "start");
  EXPECT_THAT(replica.kernel.gradient.flat<float>(), ElementsAre(2.0f, 3.0f));
  EXPECT_THAT(replica.kernel.value.flat<float>(), ElementsAre(1.0f, 10.0f));
  EXPECT_EQ(extra, 2.0f);
}

}  // namespace
}  // namespace cairn::nn
