// A .h5 file's model_config and training_config are untrusted JSON: a
// 100000-deep document overflowed the stack when loaded (issue 19, finding 4).
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

std::string deep_object(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += R"({"a": )";
  return text + "1" + std::string(static_cast<size_t>(depth), '}');
}

class ModelH5UntrustedTest : public ::testing::Test {
 protected:
  // A saved small classifier whose file is then changed by `edit`.
  template <typename Edit>
  std::string saved_then(Edit edit) {
    std::string path = tmp_.path() + "/m.h5";
    testing::small_classifier().save(path);
    KerasH5File file = value_or_throw(read_keras_h5(path));
    edit(file);
    throw_if_error(write_keras_h5(path, file));
    return path;
  }
  cairn::testing::TempDir tmp_;
};

TEST_F(ModelH5UntrustedTest, HundredThousandDeepModelConfigIsDataLossNotAStackOverflow) {
  std::string path = saved_then([](KerasH5File& f) {
    f.model_config = R"({"class_name": "Sequential", "config": )" + deep_object(100000) + "}";
  });
  try {
    load_model(path);
    FAIL() << "loaded";
  } catch (const DataLossError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ": model_config nests arrays/objects deeper than"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(ModelH5UntrustedTest, HundredThousandDeepTrainingConfigLoadsTheModelUncompiled) {
  std::string path = saved_then([](KerasH5File& f) { f.training_config = deep_object(100000); });
  Sequential model = load_model(path);
  EXPECT_TRUE(model.built());
  EXPECT_FALSE(model.compiled());
}

}  // namespace
}  // namespace cairn::keras
