// keras_metadata.pb: written with the SavedModel (saved_model.pb still
// last), read back as written, a stale one removed, bad bytes DATA_LOSS, and
// TF 2.1's Keras metadata read from the object graph.
#include <gtest/gtest.h>

#include "cairn/formats/export/keras_saved_metadata.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

InferenceModel keras_model() {
  InferenceModel m;
  m.input_name = "dense_input";
  m.input_shape = {2};
  m.steps.push_back({.kind = InferenceStep::Kind::kDense,
                     .name = "dense",
                     .kernel = Tensor(DType::kFloat32, {2, 1}),
                     .bias = Tensor(DType::kFloat32, {1})});
  m.outputs = {{.name = "dense", .kind = InferenceOutput::Kind::kActivations}};
  m.keras_objects = {{0, "root", "_tf_keras_sequential", R"({"class_name": "Sequential"})"},
                     {1, "root.layer-0", "_tf_keras_layer", R"({"class_name": "Dense"})"}};
  return m;
}

TEST(KerasSavedMetadataTest, WrittenWithTheSavedModelAndReadBack) {
  MemoryFileSystem fs;
  ASSERT_TRUE(write_saved_model(fs, "/m", keras_model()).ok());
  auto objects = read_keras_saved_objects(fs, "/m");
  ASSERT_TRUE(objects.ok()) << objects.status().to_string();
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[1].node_id, 1);
  EXPECT_EQ((*objects)[1].node_path, "root.layer-0");
  EXPECT_EQ((*objects)[1].identifier, "_tf_keras_layer");
  EXPECT_EQ((*objects)[1].metadata, R"({"class_name": "Dense"})");

  // Rewritten without Keras objects (an Estimator's export): no stale metadata.
  InferenceModel plain = keras_model();
  plain.keras_objects.clear();
  ASSERT_TRUE(write_saved_model(fs, "/m", plain).ok());
  EXPECT_FALSE(fs.file_exists("/m/keras_metadata.pb"));
  objects = read_keras_saved_objects(fs, "/m");
  ASSERT_TRUE(objects.ok());
  EXPECT_TRUE(objects->empty());
}

TEST(KerasSavedMetadataTest, BadBytesAndMissingSavedModelAreNamed) {
  MemoryFileSystem fs;
  EXPECT_EQ(read_keras_saved_objects(fs, "/none").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(write_saved_model(fs, "/m", keras_model()).ok());
  ASSERT_TRUE(fs.write_file_atomically("/m/keras_metadata.pb", "\xff\xff\xff").ok());
  Status s = read_keras_saved_objects(fs, "/m").status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("/m/keras_metadata.pb"), std::string::npos) << s.message();
}

TEST(KerasSavedMetadataTest, ReadsTensorFlow21KerasMetadataFromTheObjectGraph) {
  auto fixtures = testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << testing::kNoSharedMessage;
  auto objects = read_keras_saved_objects(default_file_system(),
                                          *fixtures + "/titanic-keras-tf21/saved_model");
  ASSERT_TRUE(objects.ok()) << objects.status().to_string();
  ASSERT_GE(objects->size(), 6u);  // the model, 5 layers (and its metrics)
  EXPECT_EQ((*objects)[0].node_id, 0);
  EXPECT_EQ((*objects)[0].node_path, "root");
  EXPECT_EQ((*objects)[0].identifier, "_tf_keras_sequential");
  EXPECT_NE((*objects)[0].metadata.find(R"("model_config": {"class_name": "Sequential")"),
            std::string::npos);
  bool found_layer = false;
  for (const KerasSavedObject& o : *objects) {
    if (o.node_path == "root.layer-2") {
      found_layer = true;
      EXPECT_EQ(o.identifier, "_tf_keras_layer");
      EXPECT_NE(o.metadata.find(R"("name": "dense_1")"), std::string::npos) << o.metadata;
    }
  }
  EXPECT_TRUE(found_layer);
}

}  // namespace
}  // namespace cairn
