// A Keras model's assets/saved_model.json and cairn_training_config.json
// written with the SavedModel (not in its asset collection; stale ones and a
// stale keras_metadata.pb removed); TF 2.5+'s keras_metadata.pb and TF 2.1's
// object graph read, bad bytes DATA_LOSS.
#include <gtest/gtest.h>

#include "cairn/formats/export/keras_saved_metadata.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/proto/keras_saved_metadata.pb.h"
#include "cairn/proto/saved_model.pb.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

constexpr char kModelJson[] = R"({"class_name": "Sequential", "config": {"layers": []}})";
constexpr char kTrainingConfig[] = R"({"loss": "mse"})";

InferenceModel keras_model() {
  InferenceModel m;
  m.input_name = "dense_input";
  m.input_shape = {2};
  m.steps.push_back({.kind = InferenceStep::Kind::kDense,
                     .name = "dense",
                     .kernel = Tensor(DType::kFloat32, {2, 1}),
                     .bias = Tensor(DType::kFloat32, {1})});
  m.outputs = {{.name = "dense", .kind = InferenceOutput::Kind::kActivations}};
  m.keras_model_config = kModelJson;
  m.is_keras_model = true;
  m.keras_training_config = kTrainingConfig;
  return m;
}

TEST(KerasSavedMetadataTest, AKerasModelsAssetsAreWrittenAsTensorFlow1Did) {
  MemoryFileSystem fs;
  ASSERT_TRUE(fs.create_directories("/m").ok());
  ASSERT_TRUE(fs.write_file_atomically("/m/keras_metadata.pb", "stale").ok());
  ASSERT_TRUE(write_saved_model(fs, "/m", keras_model()).ok());
  EXPECT_EQ(keras_model_json_path("/m"), "/m/assets/saved_model.json");
  EXPECT_EQ(fs.read_file("/m/assets/saved_model.json").value(), kModelJson);
  EXPECT_EQ(fs.read_file("/m/assets/cairn_training_config.json").value(), kTrainingConfig);
  EXPECT_FALSE(fs.file_exists("/m/keras_metadata.pb"));  // never written, a stale one removed
  // Not in the graph's assets (as TF 1.x): TF Serving feeds the graph none.
  tensorflow::SavedModel saved = read_saved_model_proto(fs, "/m").value();
  EXPECT_EQ(saved.meta_graphs(0).asset_file_def_size(), 0);
  // TF 2.x's reader finds nothing: no keras_metadata.pb, no object graph.
  EXPECT_TRUE(read_keras_saved_objects(fs, "/m").value().empty());

  // Rewritten without a training config, then as an Estimator's export.
  InferenceModel uncompiled = keras_model();
  uncompiled.keras_training_config.clear();
  ASSERT_TRUE(write_saved_model(fs, "/m", uncompiled).ok());
  EXPECT_TRUE(fs.file_exists("/m/assets/saved_model.json"));
  EXPECT_FALSE(fs.file_exists("/m/assets/cairn_training_config.json"));
  InferenceModel plain = keras_model();
  plain.is_keras_model = false;
  ASSERT_TRUE(write_saved_model(fs, "/m", plain).ok());
  EXPECT_FALSE(fs.file_exists("/m/assets/saved_model.json"));
  EXPECT_FALSE(fs.file_exists("/m/assets/cairn_training_config.json"));
}

// A keras_metadata.pb as TF 2.5+ writes one, beside cairn's SavedModel.
void write_tf25_metadata(FileSystem& fs, const std::string& dir) {
  third_party::py::keras::protobuf::SavedMetadata metadata;
  for (int id : {0, 1}) {
    auto* node = metadata.add_nodes();
    node->set_node_id(id);
    node->set_node_path(id == 0 ? "root" : "root.layer-0");
    node->set_identifier(id == 0 ? "_tf_keras_sequential" : "_tf_keras_layer");
    node->set_metadata(id == 0 ? R"({"class_name": "Sequential"})" : R"({"class_name": "Dense"})");
    node->mutable_version()->set_producer(1);
  }
  ASSERT_TRUE(
      fs.write_file_atomically(keras_metadata_path(dir), metadata.SerializeAsString()).ok());
}

TEST(KerasSavedMetadataTest, ReadsTensorFlow25KerasMetadata) {
  MemoryFileSystem fs;
  ASSERT_TRUE(write_saved_model(fs, "/m", keras_model()).ok());
  write_tf25_metadata(fs, "/m");
  auto objects = read_keras_saved_objects(fs, "/m");
  ASSERT_TRUE(objects.ok()) << objects.status().to_string();
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[0].node_path, "root");
  EXPECT_EQ((*objects)[1].node_id, 1);
  EXPECT_EQ((*objects)[1].node_path, "root.layer-0");
  EXPECT_EQ((*objects)[1].identifier, "_tf_keras_layer");
  EXPECT_EQ((*objects)[1].metadata, R"({"class_name": "Dense"})");
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
