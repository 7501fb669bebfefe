// `cairn saved_model run` on crafted SavedModels and crafted --input flags:
// every one fails with a one-line typed error and exit status 1, never a
// crash, a hang or a silently dropped flag.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/saved_model_commands.h"
#include "serving/saved_model_test_util.h"
#include "testing/test_util.h"

namespace cairn::cli {
namespace {

using testing::tensor_info;
using testing::write_graph_saved_model;

constexpr DType kFloat = DType::kFloat32;

struct Outcome {
  int exit_code;
  std::string out, err;
};

class SavedModelRunUntrustedTest : public ::testing::Test {
 protected:
  std::string dir() const { return tmp_.path() + "/export"; }

  // A model computing y = -x.
  void write_negation() {
    GraphBuilder b;
    b.placeholder("x", kFloat, {-1, 1});
    b.op("y", "Neg", {"x"}, {{"T", type_attr(kFloat)}});
    write_graph_saved_model(dir(), b.graph(), {{"x", tensor_info("x:0", kFloat, {{-1, 1}})}},
                            {{"y", tensor_info("y:0", kFloat)}});
  }

  Outcome run(std::vector<std::string> inputs) {
    std::ostringstream out, err;
    const int code = run_saved_model_run({.dir = dir(), .inputs = std::move(inputs)}, out, err);
    return {code, out.str(), err.str()};
  }

  testing::TempDir tmp_;
};

// Finding 22: the second --input x was silently dropped.
TEST_F(SavedModelRunUntrustedTest, InputGivenTwiceIsRefusedNamingIt) {
  write_negation();
  Outcome twice = run({"x=[[1]]", "x=[[2]]"});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("--input x is given twice"), std::string::npos) << twice.err;
  Outcome once = run({"x=[[1], [2]]"});
  EXPECT_EQ(once.exit_code, 0) << once.err;
  EXPECT_EQ(once.out, "{\"y\":[[-1.0],[-2.0]]}\n");
}

// Finding 4: --input nested 30000 deep overflowed the stack.
TEST_F(SavedModelRunUntrustedTest, InputNested30000DeepIsInvalidArgument) {
  write_negation();
  Outcome deep = run({"x=" + std::string(30000, '[') + "1" + std::string(30000, ']')});
  EXPECT_EQ(deep.exit_code, 1);
  EXPECT_NE(deep.err.find("INVALID_ARGUMENT: --input x"), std::string::npos) << deep.err;
}

// Finding 4: an output of rank 100000 overflowed the JSON printer's stack;
// TensorFlow's limit is 254, so such a Const is refused naming the node.
TEST_F(SavedModelRunUntrustedTest, ConstOfRank100000IsRefusedNamingTheNode) {
  GraphBuilder b;
  tensorflow::TensorProto deep = filled_tensor_proto(kFloat, {}, 1.0);
  for (int i = 0; i < 100000; ++i) deep.mutable_tensor_shape()->add_dim()->set_size(1);
  b.constant("deep", deep);
  write_graph_saved_model(dir(), b.graph(), {}, {{"y", tensor_info("deep:0", kFloat)}});
  Outcome outcome = run({});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_NE(outcome.err.find("node 'deep' (Const)"), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find("100000 dimensions"), std::string::npos) << outcome.err;
}

// Finding 1 through the command: a RESOURCE_EXHAUSTED line, not a crash.
TEST_F(SavedModelRunUntrustedTest, MatMulWhoseOutputWrapsFailsWithExitOne) {
  GraphBuilder b;
  b.constant("a", Tensor(kFloat, {int64_t{1} << 31, 0}));
  b.constant("b", Tensor(kFloat, {0, int64_t{1} << 31}));
  b.matmul("mm", "a", "b", kFloat);
  write_graph_saved_model(dir(), b.graph(), {}, {{"y", tensor_info("mm:0", kFloat)}});
  Outcome outcome = run({});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.err.find("cairn saved_model run: RESOURCE_EXHAUSTED: "), 0u) << outcome.err;
  EXPECT_NE(outcome.err.find("node 'mm' (MatMul)"), std::string::npos) << outcome.err;
}

}  // namespace
}  // namespace cairn::cli
