// Test-only: a SavedModel written from a hand-built graph, the way an
// attacker would craft one: saved_model.pb alone (no variables), one
// MetaGraphDef tagged "serve" whose serving_default signature maps names to
// graph tensors. Used by the serving and CLI tests of untrusted SavedModels.
//
//   GraphBuilder b;
//   b.constant("a", Tensor(DType::kFloat32, {int64_t{1} << 31, 0}));
//   ...
//   write_graph_saved_model(dir, b.graph(), {}, {{"y", tensor_info("mm:0", DType::kFloat32)}});
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/formats/graph/graph_builder.h"
#include "cairn/io/file_system.h"
#include "cairn/proto/saved_model.pb.h"

namespace cairn::testing {

using TensorInfos = std::map<std::string, tensorflow::TensorInfo>;

// A TensorInfo naming `tensor`; without `dims` it has no tensor_shape at all.
inline tensorflow::TensorInfo tensor_info(const std::string& tensor, DType dtype,
                                          std::optional<std::vector<int64_t>> dims = {}) {
  tensorflow::TensorInfo info;
  info.set_name(tensor);
  info.set_dtype(to_proto_dtype(dtype));
  if (dims) *info.mutable_tensor_shape() = to_shape_proto(*dims);
  return info;
}

// Writes `dir`/saved_model.pb holding `graph` (and `objects`, a TF2 object
// graph) and a serving_default signature of `inputs` and `outputs`; returns
// the file's size in bytes.
inline size_t write_graph_saved_model(const std::string& dir, const tensorflow::GraphDef& graph,
                                      const TensorInfos& inputs, const TensorInfos& outputs,
                                      const tensorflow::SavedObjectGraph& objects = {}) {
  tensorflow::SavedModel saved;
  tensorflow::MetaGraphDef* meta = saved.add_meta_graphs();
  meta->mutable_meta_info_def()->add_tags("serve");
  *meta->mutable_graph_def() = graph;
  *meta->mutable_object_graph_def() = objects;
  tensorflow::SignatureDef& sig = (*meta->mutable_signature_def())["serving_default"];
  sig.set_method_name("tensorflow/serving/predict");
  for (const auto& [name, info] : inputs) (*sig.mutable_inputs())[name] = info;
  for (const auto& [name, info] : outputs) (*sig.mutable_outputs())[name] = info;
  const std::string bytes = saved.SerializeAsString();
  EXPECT_TRUE(default_file_system().create_directories(dir).ok());
  EXPECT_TRUE(default_file_system().write_file_atomically(saved_model_pb_path(dir), bytes).ok());
  return bytes.size();
}

}  // namespace cairn::testing
