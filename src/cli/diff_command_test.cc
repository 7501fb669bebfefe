// `cairn diff` as a user runs it: exit status as diff(1)'s, the lists of a
// training run's two steps, numbers checked against values computed here,
// and a TensorFlow run checked against an independent reader's values.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/save_variables.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using nlohmann::json;
using testing::cairn_command;
using testing::run_command;
using testing::shell_quote;

testing::CommandResult diff(const std::string& a, const std::string& b,
                            const std::string& flags = "") {
  return run_command(cairn_command("diff " + shell_quote(a) + " " + shell_quote(b) + flags));
}

json diff_json(const std::string& a, const std::string& b, int expected_exit) {
  auto run = diff(a, b, " --json");
  EXPECT_EQ(run.exit_code, expected_exit) << run.err;
  return json::parse(run.out);
}

const json& tensor(const json& doc, const std::string& name) {
  for (const json& t : doc["tensors"]) {
    if (t["name"] == name) return t;
  }
  throw std::runtime_error("no tensor " + name + " in " + doc.dump());
}

// max |a-b|, mean |a-b| and ||a-b||/||a|| of two lists, worked out here.
struct Expected {
  double max = 0, mean = 0, relative = 0;
};
Expected expected(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0, diff2 = 0, a2 = 0;
  Expected e;
  for (size_t i = 0; i < a.size(); ++i) {
    e.max = std::max(e.max, std::fabs(a[i] - b[i]));
    sum += std::fabs(a[i] - b[i]);
    diff2 += (a[i] - b[i]) * (a[i] - b[i]);
    a2 += a[i] * a[i];
  }
  e.mean = sum / static_cast<double>(a.size());
  e.relative = diff2 == 0 ? 0 : std::sqrt(diff2) / std::sqrt(a2);
  return e;
}

std::vector<double> values(const std::string& prefix, const std::string& name) {
  Tensor t = load_variable(prefix, name);
  std::vector<double> out;
  for (float v : t.flat<float>()) out.push_back(v);
  return out;
}

void expect_numbers(const json& t, const Expected& e) {
  EXPECT_NEAR(t["max_abs_diff"].get<double>(), e.max, 1e-12 + 1e-9 * e.max) << t.dump();
  EXPECT_NEAR(t["mean_abs_diff"].get<double>(), e.mean, 1e-12 + 1e-9 * e.mean) << t.dump();
  EXPECT_NEAR(t["relative_change"].get<double>(), e.relative, 1e-12 + 1e-9 * e.relative);
}

class DiffTrainingRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir;
    auto train = run_command(
        cairn_command("train --model-dir " + shell_quote(dir()) + " --train " +
                      shell_quote(testing::project_data_dir() + "/iris_training.csv") +
                      " --hidden-units 4 --steps 20 --save-checkpoints-steps 10 --seed 3"));
    ASSERT_EQ(train.exit_code, 0) << train.err;
  }
  static void TearDownTestSuite() { delete tmp_; }
  static std::string dir() { return tmp_->path() + "/iris"; }
  static testing::TempDir* tmp_;
};
testing::TempDir* DiffTrainingRunTest::tmp_ = nullptr;

TEST_F(DiffTrainingRunTest, IdenticalCheckpointsExitZero) {
  auto same = diff(dir(), dir() + "/model.ckpt-20.index");
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("no difference"), std::string::npos) << same.out;
  EXPECT_EQ(same.out.find("changed"), std::string::npos) << same.out;
  json doc = diff_json(dir(), dir() + "/model.ckpt-20", 0);
  EXPECT_EQ(doc["differ"], false);
  for (const json& t : doc["tensors"]) EXPECT_EQ(t["identical"], true) << t.dump();
}

TEST_F(DiffTrainingRunTest, TwoStepsDifferWithNumbersComputedIndependently) {
  const std::string a = dir() + "/model.ckpt-11", b = dir() + "/model.ckpt-20";
  json doc = diff_json(a, dir(), 1);
  EXPECT_EQ(doc["a"], a);
  EXPECT_EQ(doc["b"], b);
  EXPECT_EQ(doc["differ"], true);
  EXPECT_TRUE(doc["only_in_a"].empty());
  EXPECT_TRUE(doc["only_in_b"].empty());
  EXPECT_TRUE(doc["type_changes"].empty());
  EXPECT_EQ(doc["tensors"].size(), list_variables(b).size());
  EXPECT_EQ(tensor(doc, "global_step")["max_abs_diff"], 9.0);
  for (const std::string name : {"dnn/hiddenlayer_0/kernel", "dnn/logits/bias"}) {
    const json& t = tensor(doc, name);
    EXPECT_EQ(t["identical"], false);
    expect_numbers(t, expected(values(a, name), values(b, name)));
  }
  auto text = diff(a, dir());
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find("\n  dnn/hiddenlayer_0/kernel "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("the checkpoints differ"), std::string::npos) << text.out;
}

TEST_F(DiffTrainingRunTest, ToleranceCountsCloseValuesAsUnchanged) {
  const std::string a = dir() + "/model.ckpt-11";
  auto loose = diff(a, dir(), " --tolerance 100");  // global_step moved by 9
  EXPECT_EQ(loose.exit_code, 0) << loose.out << loose.err;
  EXPECT_NE(loose.out.find("(within tolerance)"), std::string::npos) << loose.out;
  EXPECT_EQ(diff(a, dir(), " --tolerance 8.5").exit_code, 1);
  EXPECT_NE(diff(a, dir(), " --tolerance -1").exit_code, 0);
}

TEST(DiffCommandTest, OnlyInOneSideAndDtypeOrShapeChanges) {
  testing::TempDir tmp;
  const std::string a = save_variables(tmp.path() + "/a/model.ckpt-1",
                                       {{"gone", Tensor::scalar<float>(1)},
                                        {"kept", Tensor::from_strings({"x"}, {1})},
                                        {"step", Tensor::scalar<int32_t>(1)},
                                        {"w", Tensor::from_vector<float>({1, 2}, {2})}});
  const std::string b = save_variables(tmp.path() + "/b/model.ckpt-1",
                                       {{"kept", Tensor::from_strings({"x"}, {1})},
                                        {"new", Tensor::scalar<float>(1)},
                                        {"step", Tensor::scalar<int64_t>(1)},
                                        {"w", Tensor::from_vector<float>({1, 2, 3}, {3})}});
  json doc = diff_json(tmp.path() + "/a", tmp.path() + "/b", 1);
  EXPECT_EQ(doc["only_in_a"], json::parse(R"([{"name":"gone","dtype":"float32","shape":[]}])"));
  EXPECT_EQ(doc["only_in_b"], json::parse(R"([{"name":"new","dtype":"float32","shape":[]}])"));
  ASSERT_EQ(doc["type_changes"].size(), 2u);
  EXPECT_EQ(doc["type_changes"][0]["a"]["dtype"], "int32");
  EXPECT_EQ(doc["type_changes"][0]["b"]["dtype"], "int64");
  EXPECT_EQ(doc["type_changes"][1]["b"]["shape"], json::parse("[3]"));
  EXPECT_EQ(tensor(doc, "kept")["identical"], true);

  auto text = diff(a, b, " --tolerance 1000");  // no tolerance hides these
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find("only in A:\n  gone  float32 []\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("only in B:\n  new  float32 []\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  step  int32 [] -> int64 []\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  w     float32 [2] -> float32 [3]\n"), std::string::npos) << text.out;
}

TEST(DiffCommandTest, MissingPathExitsTwoNamingIt) {
  testing::TempDir tmp;
  const std::string a =
      save_variables(tmp.path() + "/model.ckpt-1", {{"w", Tensor::scalar<float>(1)}});
  const std::string missing = tmp.path() + "/model.ckpt-7";
  auto run = diff(a, missing);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("cairn diff: NOT_FOUND: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(missing), std::string::npos) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
  EXPECT_EQ(diff(tmp.path() + "/nowhere", a).exit_code, 2);
}

// Values of a checkpoint read by ../shared/tools/tfckpt.py, a reader cairn did
// not write: {tensor name: values} for the tensors it prints values of.
std::optional<json> independent_values(const std::string& prefix) {
  std::optional<std::string> tools = testing::tools_dir();
  if (!tools || !testing::python_has_modules("crc32c")) return std::nullopt;
  auto run = run_command("/usr/bin/python3 " + shell_quote(*tools + "/tfckpt.py") + " " +
                         shell_quote(prefix) + " --json");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const json listing = json::parse(run.out);
  json out = json::object();
  for (const json& t : listing["tensors"]) {
    if (t.contains("values")) out[t["name"].get<std::string>()] = t["values"];
  }
  return out;
}

TEST(DiffCommandFixtureTest, TwoStepsOfATensorFlowRunAgainstAnIndependentReader) {
  std::optional<std::string> fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  const std::string dir = *fixtures + "/tf-guide-checkpoints-james/tf_ckpts";
  std::optional<json> a = independent_values(dir + "/ckpt-38");
  std::optional<json> b = independent_values(dir + "/ckpt-40");
  if (!a || !b) GTEST_SKIP() << "no /usr/bin/python3 with crc32c for tfckpt.py";
  json doc = diff_json(dir + "/ckpt-38", dir, 1);
  EXPECT_EQ(doc["b"], dir + "/ckpt-40");
  int checked = 0;
  for (const json& t : doc["tensors"]) {
    const std::string name = t["name"];
    if (!t["numeric"].get<bool>() || !a->contains(name)) continue;
    expect_numbers(
        t, expected((*a)[name].get<std::vector<double>>(), (*b)[name].get<std::vector<double>>()));
    ++checked;
  }
  EXPECT_GE(checked, 10);  // 6 float32 slots and weights, 4 scalars and more
}

}  // namespace
}  // namespace cairn
