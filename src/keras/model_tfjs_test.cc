// Functional models against TensorFlow.js (model_oracle_test_util.h): each
// merge layer on two or three inputs, Concatenate on either axis, a shared
// layer, and a model of two inputs and two outputs. TF.js has no Subtract:
// it is checked by numeric gradients (merge_test.cc, model_test.cc).
#include <gtest/gtest.h>

#include "cairn/keras/layers/activation.h"
#include "cairn/keras/layers/dense.h"
#include "cairn/keras/model.h"
#include "keras/model_oracle_test_util.h"

namespace cairn::keras {
namespace {

// Inputs a, b (and c): Dense on each, merged, then Dense.
Model merge_model(const LayerPtr& merge, int inputs, const Shape& shape = {3}) {
  std::vector<KerasTensor> ins, branches;
  for (int i = 0; i < inputs; ++i) {
    ins.push_back(Input(shape, std::string(1, static_cast<char>('a' + i))));
    // (TF.js's Flatten takes inputs of rank 3 and up only.)
    KerasTensor flat = shape.size() > 1 ? Flatten()(ins.back()) : ins.back();
    branches.push_back(Dense(4, {.activation = "tanh"})(flat));
  }
  return Model(ins, {Dense(2)(merge(branches))});
}

TEST(ModelTfjsTest, EveryMergeLayerMatchesTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsModelOracle tfjs;
  std::vector<size_t> cases;
  for (int inputs : {2, 3}) {
    cases.push_back(tfjs.add(merge_model(Add(), inputs), {}));
    cases.push_back(tfjs.add(merge_model(Multiply(), inputs), {}));
    cases.push_back(tfjs.add(merge_model(Average(), inputs), {}));
    cases.push_back(tfjs.add(merge_model(Maximum(), inputs), {}));
    cases.push_back(tfjs.add(merge_model(Concatenate(), inputs), {}));
  }
  ASSERT_TRUE(tfjs.run());
  for (size_t k : cases) tfjs.expect_matches(k);
}

TEST(ModelTfjsTest, ConcatenateOnTheFirstAxisMatchesTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsModelOracle tfjs;
  KerasTensor a = Input({2, 3}, "a"), b = Input({4, 3}, "b");
  KerasTensor joined = Concatenate({.axis = 1})({a, b});
  const size_t k = tfjs.add(Model({a, b}, {Dense(2)(Flatten()(joined))}), {.batch = 3});
  ASSERT_TRUE(tfjs.run());
  tfjs.expect_matches(k);
}

TEST(ModelTfjsTest, SharedLayersTwoInputsTwoOutputsMatchTensorFlowJs) {
  CAIRN_REQUIRE_NODE_PACKAGE("@tensorflow/tfjs");
  testing::TfjsModelOracle tfjs;
  KerasTensor a = Input({5}, "a"), b = Input({5}, "b");
  Dense encoder(4, {.activation = "tanh", .name = "encoder"});
  KerasTensor ea = encoder(a), eb = encoder(b);
  KerasTensor both = Concatenate()({ea, eb});
  KerasTensor score = Dense(1, {.activation = "sigmoid", .name = "score"})(both);
  KerasTensor diff = Dense(3, {.activation = "softmax", .name = "diff"})(Multiply()({ea, eb}));
  const size_t k = tfjs.add(Model({a, b}, {score, diff}), {.batch = 4});
  ASSERT_TRUE(tfjs.run());
  tfjs.expect_matches(k);
}

}  // namespace
}  // namespace cairn::keras
