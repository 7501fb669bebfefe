// Loading damaged SavedModels: a missing or corrupt saved_model.pb, missing
// or corrupt variables, a variable the saver restores but the bundle lacks.
// Each is a typed error naming the file, never a crash.
#include <gtest/gtest.h>

#include <filesystem>

#include "cairn/core/errors.h"
#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/serving/saved_model_runner.h"
#include "testing/test_util.h"

namespace cairn::serving {
namespace {

InferenceModel small_model() {
  InferenceModel m;
  m.input_shape = {2};
  m.steps = {{.name = "dense",
              .kernel = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2}),
              .bias = Tensor::from_vector<float>({0.5f, -0.5f}, {2})}};
  m.outputs = {{"y", InferenceOutput::Kind::kActivations}};
  return m;
}

class SavedModelErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(write_saved_model(default_file_system(), dir(), small_model()).ok());
  }
  std::string dir() const { return tmp_.path() + "/export"; }

  // The message of the error load() throws, which must be of type E.
  template <typename E>
  std::string load_error() {
    try {
      SavedModel::load(dir());
    } catch (const E& e) {
      return e.what();
    }
    ADD_FAILURE() << "load succeeded or threw another type";
    return "";
  }
  testing::TempDir tmp_;
};

TEST_F(SavedModelErrorsTest, IntactExportRuns) {
  auto out = SavedModel::load(dir()).run("serving_default",
                                         {{"input", Tensor::from_vector<float>({1, 1}, {1, 2})}});
  EXPECT_EQ(out.at("y"), Tensor::from_vector<float>({4.5f, 5.5f}, {1, 2}));
}

TEST_F(SavedModelErrorsTest, MissingSavedModelPbIsNotFoundNamingIt) {
  std::filesystem::remove(dir() + "/saved_model.pb");
  EXPECT_NE(load_error<NotFoundError>().find(dir() + "/saved_model.pb"), std::string::npos);
}

TEST_F(SavedModelErrorsTest, CorruptSavedModelPbIsDataLossNamingIt) {
  ASSERT_TRUE(
      default_file_system().write_file_atomically(dir() + "/saved_model.pb", "\x0a\xff\xff").ok());
  EXPECT_NE(load_error<DataLossError>().find(dir() + "/saved_model.pb"), std::string::npos);
}

TEST_F(SavedModelErrorsTest, TruncatedSavedModelPbIsDataLoss) {
  auto bytes = default_file_system().read_file(dir() + "/saved_model.pb");
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(default_file_system()
                  .write_file_atomically(dir() + "/saved_model.pb", bytes->substr(0, 100))
                  .ok());
  EXPECT_NE(load_error<DataLossError>().find("saved_model.pb"), std::string::npos);
}

TEST_F(SavedModelErrorsTest, MissingVariablesAreNotFoundNamingTheIndex) {
  std::filesystem::remove_all(dir() + "/variables");
  EXPECT_NE(load_error<NotFoundError>().find(dir() + "/variables/variables.index"),
            std::string::npos);
}

TEST_F(SavedModelErrorsTest, CorruptVariablesDataIsDataLossNamingTheShard) {
  const std::string data = dir() + "/variables/variables.data-00000-of-00001";
  auto bytes = default_file_system().read_file(data);
  ASSERT_TRUE(bytes.ok());
  std::string flipped = *bytes;
  flipped[3] ^= 0x10;
  ASSERT_TRUE(default_file_system().write_file_atomically(data, flipped).ok());
  EXPECT_NE(load_error<DataLossError>().find("variables"), std::string::npos);
}

TEST_F(SavedModelErrorsTest, VariableTheSaverRestoresButTheBundleLacksIsNotFound) {
  auto writer = BundleWriter::create(default_file_system(), dir() + "/variables/variables");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->add("dense/kernel", small_model().steps[0].kernel).ok());
  ASSERT_TRUE((*writer)->finish().ok());
  std::string message = load_error<NotFoundError>();
  EXPECT_NE(message.find("dense/bias"), std::string::npos) << message;
  EXPECT_NE(message.find("variables.index"), std::string::npos) << message;
}

}  // namespace
}  // namespace cairn::serving
