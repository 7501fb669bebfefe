// A model_config read from a .h5 file is untrusted JSON: values of the wrong
// type and sizes no file could back must give InvalidArgumentError before
// any layer allocates, never a nlohmann exception or an allocation failure.
// Inputs found by fuzz/keras_config_fuzzer.cc.
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "keras/saving/model_config.h"

namespace cairn::keras::internal {
namespace {

Json dense_model_config(Json units, Json input_dim) {
  return Json::parse(R"({"class_name": "Sequential", "config": {"name": "m", "layers": [
      {"class_name": "Dense", "config": {"name": "d", "units": 1,
                                         "batch_input_shape": [null, 1]}}]}})")
      .patch(Json::array(
          {{{"op", "replace"}, {"path", "/config/layers/0/config/units"}, {"value", units}},
           {{"op", "replace"},
            {"path", "/config/layers/0/config/batch_input_shape/1"},
            {"value", input_dim}}}));
}

TEST(ModelConfigUntrustedTest, ConfigOfWrongJsonTypesIsInvalidArgument) {
  for (const char* text : {R"([1, 2])", R"("Sequential")", R"({"class_name": 7})",
                           R"({"class_name": "Sequential", "config": [3]})",
                           R"({"class_name": "Sequential", "config": {"layers": [
                                {"class_name": "Dense", "config": {"name": 5, "units": 2}}]}})"}) {
    EXPECT_THROW(model_from_config(Json::parse(text)), InvalidArgumentError) << text;
  }
}

TEST(ModelConfigUntrustedTest, TrainingConfigOfWrongJsonTypesIsRefusedWithAReason) {
  for (const char* text : {R"([1])", R"({"loss": 3})", R"(12)"}) {
    std::string why;
    EXPECT_EQ(compile_options_from(Json::parse(text), why), std::nullopt) << text;
    EXPECT_FALSE(why.empty()) << text;
  }
}

TEST(ModelConfigUntrustedTest, HugeDenseUnitsAreRefusedBeforeAllocating) {
  // 2^20 inputs x 2^30 units would be 2^50 floats.
  EXPECT_THROW(model_from_config(dense_model_config(int64_t{1} << 30, int64_t{1} << 20), 1000),
               InvalidArgumentError);
  EXPECT_THROW(model_from_config(dense_model_config(int64_t{1} << 40, 4)), InvalidArgumentError);
  EXPECT_THROW(model_from_config(dense_model_config(0, 4)), InvalidArgumentError);
  EXPECT_THROW(model_from_config(dense_model_config(3, -4)), InvalidArgumentError);
}

TEST(ModelConfigUntrustedTest, ModelWithMoreWeightsThanTheFileHoldsIsRefused) {
  // 4 x 3 kernel + 3 biases = 15 weights.
  EXPECT_THROW(model_from_config(dense_model_config(3, 4), 14), InvalidArgumentError);
  Sequential model = model_from_config(dense_model_config(3, 4), 15);
  EXPECT_TRUE(model.built());
}

}  // namespace
}  // namespace cairn::keras::internal
