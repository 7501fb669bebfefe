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

// A Sequential config of `layers` (class name, config) behind an input of `shape`.
Json sequential(const Json& shape, const std::vector<std::pair<const char*, Json>>& layers) {
  Json list = Json::array(
      {{{"class_name", "InputLayer"}, {"config", {{"name", "in"}, {"batch_input_shape", shape}}}}});
  for (const auto& [class_name, config] : layers) {
    list.push_back({{"class_name", class_name}, {"config", config}});
  }
  return {{"class_name", "Sequential"}, {"config", {{"name", "m"}, {"layers", list}}}};
}

TEST(ModelConfigUntrustedTest, EveryLayerIsPlannedBeforeAnyIsBuilt) {
  // Dense on the last axis: 4 x 3 + 3 weights, then 3 x 2 + 2 after pooling.
  const Json small =
      sequential(Json::parse("[null, 8, 4]"), {{"Dense", {{"name", "d"}, {"units", 3}}},
                                               {"MaxPooling1D", {{"name", "p"}, {"pool_size", 2}}},
                                               {"Flatten", {{"name", "f"}}},
                                               {"Dense", {{"name", "d2"}, {"units", 2}}}});
  EXPECT_THROW(model_from_config(small, 15 + 4 * 3 * 2 + 2 - 1), InvalidArgumentError);
  EXPECT_TRUE(model_from_config(small, 15 + 4 * 3 * 2 + 2).built());
  // A Reshape that makes a huge last axis for the Dense after it.
  const Json reshaped = sequential(Json::parse("[null, 4096, 4096]"),
                                   {{"Reshape", {{"name", "r"}, {"target_shape", {-1}}}},
                                    {"Dense", {{"name", "d"}, {"units", 4}}}});
  EXPECT_THROW(model_from_config(reshaped, 1000), InvalidArgumentError);
}

TEST(ModelConfigUntrustedTest, ShapesALayerCannotTakeAreRefusedNamingIt) {
  const std::pair<const char*, Json> cases[] = {
      {"MaxPooling2D", {{"name", "bad"}, {"pool_size", {9, 9}}}},
      {"GlobalAveragePooling1D", {{"name", "bad"}}},
      {"Reshape", {{"name", "bad"}, {"target_shape", {7, -1}}}},
      {"Permute", {{"name", "bad"}, {"dims", {2, 1}}}},
      {"RepeatVector", {{"name", "bad"}, {"n", 3}}},
  };
  for (const auto& [class_name, config] : cases) {
    try {
      model_from_config(sequential(Json::parse("[null, 4, 4, 2]"), {{class_name, config}}));
      ADD_FAILURE() << class_name;
    } catch (const InvalidArgumentError& e) {
      EXPECT_NE(std::string(e.what()).find("'bad'"), std::string::npos) << e.what();
    }
  }
}

TEST(ModelConfigUntrustedTest, HugeSizesInEveryLayerAreRefusedBeforeAllocating) {
  const std::pair<const char*, Json> cases[] = {
      {"RepeatVector", {{"name", "v"}, {"n", int64_t{1} << 40}}},
      {"RepeatVector", {{"name", "v"}, {"n", int64_t{1} << 30}}},  // 2^30 x 16 per sample
      {"Reshape", {{"name", "r"}, {"target_shape", {int64_t{1} << 31, -1}}}},
      {"MaxPooling2D", {{"name", "p"}, {"pool_size", {1, 1}}, {"strides", {0, 1}}}},
  };
  for (const auto& [class_name, config] : cases) {
    EXPECT_THROW(
        model_from_config(sequential(Json::parse("[null, 16]"),
                                     {{"Flatten", {{"name", "f"}}}, {class_name, config}})),
        InvalidArgumentError)
        << class_name << " " << config.dump();
  }
  EXPECT_THROW(model_from_config(sequential(Json::parse("[null, 65536, 65536]"), {})),
               InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::keras::internal
