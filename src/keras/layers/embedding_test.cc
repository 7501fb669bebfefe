#include "cairn/keras/layers/embedding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "keras/layers/layer_factory.h"
#include "keras/layers/layer_gradient_check.h"

namespace cairn::keras {
namespace {

using ::testing::HasSubstr;

TEST(EmbeddingTest, LooksUpRowsAndMasksZeros) {
  Embedding e(5, 2, {.mask_zero = true, .name = "e"});
  std::mt19937_64 rng(1);
  EXPECT_EQ(e.build({3}, rng), (Shape{3, 2}));
  nn::as_matrix(e.weights()[0]->value) << 0, 0, 1, 2, 3, 4, 5, 6, 7, 8;
  EXPECT_EQ(e.weights()[0]->name, "e/embeddings");
  const nn::Matrix y = e.forward(nn::Matrix{{2, 0, 4}, {1, 1, 0}}, false, rng);
  EXPECT_EQ(y, (nn::Matrix{{3, 4, 0, 0, 7, 8}, {1, 2, 1, 2, 0, 0}}));
  const Layer::Mask* mask = e.output_mask(nullptr);
  ASSERT_NE(mask, nullptr);
  EXPECT_EQ(*mask, (nn::Matrix{{1, 0, 1}, {1, 1, 0}}));
  Embedding plain(5, 2);
  plain.build({3}, rng);
  plain.forward(nn::Matrix{{2, 0, 4}}, false, rng);
  EXPECT_EQ(plain.output_mask(nullptr), nullptr);
}

TEST(EmbeddingTest, GradientSumsRowsPerId) {
  Embedding e(4, 3);
  std::mt19937_64 rng(1);
  e.build({5}, rng);
  // Id 1 repeats: its gradient is the sum of its positions'.
  testing::expect_layer_gradients(e, nn::Matrix{{1, 3, 1, 0, 2}, {1, 1, 2, 2, 3}}, nullptr,
                                  /*check_input=*/false);
}

TEST(EmbeddingTest, BadIdsAndConfigsAreRefused) {
  Embedding e(4, 3, {.name = "words"});
  std::mt19937_64 rng(1);
  e.build({2}, rng);
  for (float bad : {4.0f, -1.0f, 1.5f}) {
    try {
      e.forward(nn::Matrix{{0, bad}}, false, rng);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const InvalidArgumentError& error) {
      EXPECT_THAT(error.what(), HasSubstr("layer 'words' (Embedding): input [0, 1]"));
    }
  }
  EXPECT_THROW(Embedding(0, 3), InvalidArgumentError);
  EXPECT_THROW(internal::layer_from_config("Embedding", {{"name", "x"}, {"input_dim", 3}}),
               InvalidArgumentError);
  EXPECT_THROW(internal::layer_from_config(
                   "Embedding", {{"name", "x"}, {"input_dim", 1ll << 40}, {"output_dim", 2}}),
               InvalidArgumentError);
}

TEST(EmbeddingTest, ConfigRoundTripsAndReadsKeras3) {
  Embedding e(100, 8, {.mask_zero = true, .input_shape = Shape{20}, .name = "emb"});
  const Json c = e.config();
  EXPECT_EQ(c["input_dim"], 100);
  EXPECT_EQ(c["mask_zero"], true);
  EXPECT_EQ(c["input_length"], 20);
  EXPECT_EQ(c["embeddings_initializer"]["class_name"], "RandomUniform");
  EXPECT_EQ(internal::layer_from_config("Embedding", c)->config(), c);
  const Json keras3 = Json::parse(R"({"name": "embedding", "trainable": true,
      "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
      "batch_shape": [null, 7], "input_dim": 50, "output_dim": 4,
      "embeddings_initializer": {"module": "keras.initializers", "class_name": "RandomUniform",
          "config": {"minval": -0.05, "maxval": 0.05, "seed": null}, "registered_name": null},
      "mask_zero": false})");
  LayerPtr l = internal::layer_from_config("Embedding", keras3);
  EXPECT_EQ(*l->declared_input_shape(), (Shape{7}));
  EXPECT_EQ(l->config()["output_dim"], 4);
}

}  // namespace
}  // namespace cairn::keras
