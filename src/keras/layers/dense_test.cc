// Dense on inputs of rank 2 and more: the kernel applies to the last axis,
// as Keras's, (timesteps, in) -> (timesteps, units).
#include "cairn/keras/layers/dense.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "keras/layers/layer_checks.h"

namespace cairn::keras {
namespace {

TEST(DenseNdTest, AppliesTheKernelToEachPosition) {
  std::mt19937_64 rng(1);
  Dense nd(5, {.activation = "tanh"}), flat(5, {.activation = "tanh"});
  EXPECT_EQ(nd.build({3, 4}, rng), (Shape{3, 5}));
  flat.build({4}, rng);
  for (size_t i = 0; i < 2; ++i) flat.weights()[i]->value = nd.weights()[i]->value;
  const nn::Matrix x = nn::testing::random_matrix(2, 12, 2);
  const nn::Matrix y = nd.forward(x, false, rng);
  ASSERT_EQ(y.rows(), 2);
  ASSERT_EQ(y.cols(), 15);
  for (Eigen::Index b = 0; b < 2; ++b) {
    for (Eigen::Index t = 0; t < 3; ++t) {
      const nn::Matrix position = x.block(b, t * 4, 1, 4);
      EXPECT_TRUE(y.block(b, t * 5, 1, 5).isApprox(flat.forward(position, false, rng)));
    }
  }
}

TEST(DenseNdTest, GradientsMatchNumeric) {
  for (const char* activation : {"linear", "tanh", "softmax"}) {
    SCOPED_TRACE(activation);
    Dense seq(3, {.activation = activation});
    testing::expect_layer_gradients_for(seq, {4, 2}, 1);
    Dense image(2, {.activation = activation, .use_bias = false});
    testing::expect_layer_gradients_for(image, {2, 3, 4}, 2);
  }
}

TEST(DenseNdTest, PlanCountsKerasParametersWithoutBuilding) {
  const Dense d(8);
  const auto plan = d.plan_build({10, 4});
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->output_shape, (Shape{10, 8}));
  EXPECT_EQ(plan->parameters, 4 * 8 + 8);
  EXPECT_FALSE(d.built());
  EXPECT_THROW(d.plan_build({}), InvalidArgumentError);
  EXPECT_THROW(Dense(int64_t{1} << 31), InvalidArgumentError);
}

TEST(DenseNdTest, SequenceModelTrainsAndRoundTrips) {
  set_random_seed(6);
  Sequential model({Dense(4, {.activation = "relu", .input_shape = Shape{5, 3}}), Dense(2)});
  testing::expect_trains_and_round_trips(model, testing::random_samples(16, {5, 3}, 1),
                                         testing::random_samples(16, {5, 2}, 2), "mse");
}

}  // namespace
}  // namespace cairn::keras
