#include "cairn/keras/layers/border2d.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "keras/layers/layer_checks.h"
#include "keras/layers/layer_factory.h"
#include "keras/layers/layer_gradient_check.h"

namespace cairn::keras {
namespace {

using testing::expect_layer_gradients_for;
using testing::expect_refused;

TEST(Border2DLayersTest, GradientsMatchNumeric) {
  ZeroPadding2D pad({.padding = {1, 2, 0, 3}});
  expect_layer_gradients_for(pad, {3, 2, 2});
  Cropping2D crop({.cropping = {1, 0, 2, 1}});
  expect_layer_gradients_for(crop, {4, 5, 2});
  UpSampling2D up({.size = {2, 3}});
  expect_layer_gradients_for(up, {2, 3, 2});
}

TEST(Border2DLayersTest, OutputShapesAreKeras) {
  std::mt19937_64 rng(1);
  EXPECT_EQ(ZeroPadding2D().build({28, 28, 1}, rng), (Shape{30, 30, 1}));
  EXPECT_EQ(ZeroPadding2D({.padding = {0, 1, 2, 3}}).build({4, 4, 2}, rng), (Shape{5, 9, 2}));
  EXPECT_EQ(Cropping2D({.cropping = {2, 2, 4, 4}}).build({28, 28, 3}, rng), (Shape{24, 20, 3}));
  EXPECT_EQ(UpSampling2D({.size = {2}}).build({7, 5, 16}, rng), (Shape{14, 10, 16}));
}

TEST(Border2DLayersTest, ForwardMovesPixelsWhereKerasDoes) {
  std::mt19937_64 rng(1);
  Cropping2D crop({.cropping = {1, 0, 0, 1}});
  crop.build({2, 2, 1}, rng);
  nn::Matrix x(1, 4);
  x << 1, 2, 3, 4;  // [[1, 2], [3, 4]]
  EXPECT_EQ(crop.forward(x, false, rng), nn::Matrix::Constant(1, 1, 3.0f));
  ZeroPadding2D pad({.padding = {0, 0, 1, 0}});
  pad.build({1, 2, 1}, rng);
  nn::Matrix row(1, 2), padded(1, 3);
  row << 5, 6;
  padded << 0, 5, 6;
  EXPECT_EQ(pad.forward(row, false, rng), padded);
}

TEST(Border2DLayersTest, ConfigsRoundTripInKerasSpellings) {
  ZeroPadding2D pad({.padding = {1, 2, 3, 4}, .input_shape = Shape{5, 5, 1}, .name = "p"});
  EXPECT_EQ(pad.config()["padding"], Json::parse("[[1, 2], [3, 4]]"));
  EXPECT_EQ(ZeroPadding2D::from_config(pad.config()).config(), pad.config());
  Cropping2D crop({.cropping = {0, 1, 1, 0}, .name = "c"});
  EXPECT_EQ(crop.config()["cropping"], Json::parse("[[0, 1], [1, 0]]"));
  EXPECT_EQ(internal::layer_from_config("Cropping2D", crop.config())->config(), crop.config());
  UpSampling2D up({.size = {3, 2}, .name = "u"});
  EXPECT_EQ(up.config()["size"], Json::parse("[3, 2]"));
  EXPECT_EQ(up.config()["interpolation"], "nearest");
  EXPECT_EQ(UpSampling2D::from_config(up.config()).config(), up.config());
  // The other spellings Keras accepts: an int, or (vertical, horizontal).
  const Json one =
      ZeroPadding2D::from_config(Json::parse(R"({"name": "a", "padding": 2})")).config();
  EXPECT_EQ(one["padding"], Json::parse("[[2, 2], [2, 2]]"));
  const Json two =
      Cropping2D::from_config(Json::parse(R"({"name": "b", "cropping": [1, 3]})")).config();
  EXPECT_EQ(two["cropping"], Json::parse("[[1, 1], [3, 3]]"));
}

TEST(Border2DLayersTest, RefusesBadConfigsAndShapes) {
  expect_refused([] { ZeroPadding2D::from_config(Json::parse(R"({"name": "p", "padding": -1})")); },
                 "'p': padding must be in [0, 2^31), got -1");
  expect_refused(
      [] { Cropping2D::from_config(Json::parse(R"({"name": "c", "cropping": [[1], [2, 3]]})")); },
      "'c': cropping");
  expect_refused([] { UpSampling2D::from_config(Json::parse(R"({"name": "u", "size": [2, 0]})")); },
                 "'u': size must be in [1, 2^31), got 0");
  expect_refused(
      [] {
        UpSampling2D::from_config(Json::parse(R"({"name": "u", "interpolation": "bicubic"})"));
      },
      "interpolation 'bicubic'");
  expect_refused(
      [] {
        ZeroPadding2D::from_config(
            Json::parse(R"({"name": "p", "data_format": "channels_first"})"));
      },
      "data_format");
  std::mt19937_64 rng(1);
  expect_refused(
      [&] {
        Cropping2D({.cropping = {2, 2, 0, 0}, .name = "c"}).build({4, 4, 1}, rng);
      },
      "leaves nothing");
  expect_refused(
      [&] {
        UpSampling2D({.name = "u"}).build({4, 4}, rng);
      },
      "'u' (UpSampling2D) needs inputs of shape (height, width, channels)");
}

}  // namespace
}  // namespace cairn::keras
