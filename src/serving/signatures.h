// Internal to serving: a MetaGraphDef's SignatureDefs as serving::Signature,
// with the concrete function a TensorFlow 2 signature runs, and the check of
// a fed input against its signature, as TensorFlow checks it.
//
//   std::vector<Signature> sigs = read_signatures(meta, "export/1/saved_model.pb");
//   check_input("x", sigs[0].inputs.at("x"), value);   // throws InvalidArgumentError
#pragma once

#include <string>
#include <vector>

#include "cairn/proto/meta_graph.pb.h"
#include "cairn/serving/saved_model_runner.h"

namespace cairn::serving::internal {

// The signatures of `meta`, sorted by key, read from the saved_model.pb at
// `path`. A signature the object graph lists (the root's "signatures"
// child) records its concrete function. Throws DataLossError naming `path`
// and the tensor for a shape of more than kMaxRank dimensions.
std::vector<Signature> read_signatures(const tensorflow::MetaGraphDef& meta,
                                       const std::string& path);

// Throws InvalidArgumentError naming input `name` unless `value` has the
// signature's dtype and shape: an absent tensor_shape or unknown_rank
// accepts any shape, a -1 dimension any size.
void check_input(const std::string& name, const TensorSpec& spec, const Tensor& value);

}  // namespace cairn::serving::internal
