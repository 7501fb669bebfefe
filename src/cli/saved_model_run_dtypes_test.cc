// `cairn saved_model run` feeds every dtype a signature may declare (int32,
// uint8, int64, float64, bool, string, float32) from JSON and prints each
// back, and refuses a value the dtype cannot hold, naming the input.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/saved_model_commands.h"
#include "serving/saved_model_test_util.h"
#include "testing/test_util.h"

namespace cairn::cli {
namespace {

using testing::tensor_info;
using testing::write_graph_saved_model;

const DType kDtypes[] = {DType::kInt32, DType::kUint8,  DType::kInt64,  DType::kFloat64,
                         DType::kBool,  DType::kString, DType::kFloat32};

class SavedModelRunDtypesTest : public ::testing::Test {
 protected:
  // serving_default maps input "<dtype>" to output "<dtype>" through an
  // Identity, for each dtype of kDtypes.
  void SetUp() override {
    GraphBuilder b;
    testing::TensorInfos inputs, outputs;
    for (DType d : kDtypes) {
      const std::string name(dtype_name(d));
      b.placeholder(name, d, {-1});
      b.identity(name + "_out", name, d);
      inputs[name] = tensor_info(name + ":0", d, {{-1}});
      outputs[name] = tensor_info(name + "_out:0", d, {{-1}});
    }
    write_graph_saved_model(dir(), b.graph(), inputs, outputs);
  }
  std::string dir() const { return tmp_.path() + "/export"; }

  // {exit code, stdout + stderr} of `cairn saved_model run` with an --input
  // per dtype: kValues, with `replaced` given instead of its dtype's.
  std::pair<int, std::string> run(const std::string& replaced = "") {
    std::vector<std::string> flags;
    const std::string name = replaced.substr(0, replaced.find('='));
    for (const auto& [dtype, json] : kValues) {
      flags.push_back(dtype == name ? replaced : dtype + "=" + json);
    }
    std::ostringstream out, err;
    const int code = run_saved_model_run({.dir = dir(), .inputs = flags}, out, err);
    return {code, out.str() + err.str()};
  }

  static inline const std::vector<std::pair<std::string, std::string>> kValues = {
      {"int32", "[-2147483648,7]"}, {"uint8", "[0,255]"},     {"int64", "[-5,9007199254740993]"},
      {"float64", "[0.1,-2.5]"},    {"bool", "[true,false]"}, {"string", "[\"a\",\"\"]"},
      {"float32", "[1.5,-0.25]"}};
  testing::TempDir tmp_;
};

TEST_F(SavedModelRunDtypesTest, EverySignatureDtypeIsFedFromJsonAndPrinted) {
  auto [code, text] = run();
  ASSERT_EQ(code, 0) << text;
  for (const auto& [name, json] : kValues) {
    EXPECT_NE(text.find("\"" + name + "\":" + json), std::string::npos) << name << ": " << text;
  }
}

TEST_F(SavedModelRunDtypesTest, ValuesTheDtypeCannotHoldAreRefusedNamingTheInput) {
  for (const std::string input : {"uint8=[256]", "uint8=[-1]", "int32=[2147483648]", "int64=[1.5]",
                                  "bool=[1]", "string=[1]", "float64=[\"x\"]"}) {
    auto [code, text] = run(input);
    EXPECT_EQ(code, 1) << input << ": " << text;
    EXPECT_NE(text.find("--input " + input.substr(0, input.find('='))), std::string::npos)
        << input << ": " << text;
  }
}

}  // namespace
}  // namespace cairn::cli
