// Loading a TensorFlow SavedModel and running its signatures: the graphs of
// TensorFlow 1.x (tf.estimator exports, tf.compat.v1 builders, cairn's own
// write_saved_model) and TensorFlow 2.x (tf.saved_model.save, Keras
// model.save: tf.function graphs with resource variables) evaluated by a
// small interpreter, for the ops that feed-forward models use.
//
//   auto model = cairn::serving::SavedModel::load("export/1");      // tags {"serve"}
//   const auto& sig = model.signature("serving_default");
//   auto x = cairn::Tensor::from_vector<float>({1, 2, 3}, {3, 1});
//   std::map<std::string, cairn::Tensor> y = model.run("serving_default", {{"x", x}});
//
// Supported ops: Placeholder, PlaceholderWithDefault, Const, Identity,
// IdentityN, StopGradient, Snapshot, VariableV2/Variable, NoOp, MatMul,
// BiasAdd, Add, AddV2, Sub, Mul, RealDiv, Maximum, Minimum, Square, Neg, Exp,
// Relu, Relu6, Tanh, Sigmoid, Elu, Softmax, ArgMax, Cast, ConcatV2, Reshape,
// ExpandDims, Squeeze, ZerosLike, on float32/float64 and int32/int64 (binary
// ops broadcast as numpy does); TensorFlow 2's function calls
// (StatefulPartitionedCall, PartitionedCall, an op naming a function of the
// graph's library) and resource variables (VarHandleOp, ReadVariableOp,
// AssignVariableOp, AssignAddVariableOp, AssignSubVariableOp,
// VarIsInitializedOp), restored from variables/ through the object graph.
// In the top-level graph control dependencies are not run: only the data
// inputs of the requested outputs are evaluated; inside a function they are.
// Any other op (ParseExample, ...) fails when a signature needs it, naming
// the op, the node and the function it is in.
//
// Errors are thrown as cairn's typed exceptions (cairn/core/errors.h), and
// name the file or the node.
//
// A run computes at most LoadOptions::max_run_bytes of tensors (4 GiB unless
// set): every node's output is sized with checked arithmetic and held to
// that budget before it is allocated, so a crafted graph (a MatMul of
// [2^31, 0] by [0, 2^31], a Const of [2^28] from one value, a broadcast to
// terabytes) fails with ResourceExhaustedError naming the node and its op:
//
//   auto small = cairn::serving::SavedModel::load(
//       cairn::default_file_system(), "export/1", {.max_run_bytes = 256 << 20});
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"

namespace cairn::serving {

// A tensor a signature feeds or fetches.
struct TensorSpec {
  std::string name;               // the graph tensor, e.g. "x:0"
  DType dtype = DType::kInvalid;  // kInvalid for dtypes cairn has no Tensor for
  std::string dtype_name;         // TensorFlow's enum name: "DT_FLOAT", "DT_RESOURCE"
  std::vector<int64_t> shape;     // -1 for an unknown dimension
  bool unknown_rank = false;      // no shape recorded (any shape is accepted)
};

// A SignatureDef: a named function of the graph.
struct Signature {
  std::string key;          // "serving_default"
  std::string method_name;  // "tensorflow/serving/predict"
  std::map<std::string, TensorSpec> inputs, outputs;
  // The concrete function a TensorFlow 2 signature runs (from the object
  // graph), e.g. "__inference_signature_wrapper_32"; empty for TensorFlow 1.
  std::string function;
};

// What saved_model.pb says about one MetaGraphDef, without loading it.
struct MetaGraphSummary {
  std::vector<std::string> tags;      // as stored, e.g. {"train", "serve"}
  std::vector<Signature> signatures;  // sorted by key
};

// Which of `tag_sets` a loader asking for `tags` picks: the one equal to
// `tags` as a set, else the first that includes every tag in `tags`; -1 when
// none does.
int match_tag_set(const std::vector<std::vector<std::string>>& tag_sets,
                  const std::vector<std::string>& tags);

// Every MetaGraphDef of the SavedModel in `dir` (saved_model.pb only; the
// variables are not read). Throws NotFoundError / DataLossError naming the file.
std::vector<MetaGraphSummary> read_meta_graphs(const std::string& dir,
                                               FileSystem& fs = default_file_system());

// Bytes of tensors one SavedModel::run may compute unless LoadOptions says
// otherwise.
inline constexpr int64_t kDefaultMaxRunBytes = int64_t{4} << 30;

struct LoadOptions {
  // The MetaGraphDef to load: see SavedModel::load.
  std::vector<std::string> tags = {"serve"};
  // Most bytes of tensors one run() may compute: the outputs of every node
  // it evaluates (Const values included), which live until it returns. The
  // inputs given to run() are not counted. A run that would exceed it throws
  // ResourceExhaustedError naming the node and op before allocating.
  int64_t max_run_bytes = kDefaultMaxRunBytes;
};

class SavedModel {
 public:
  // Loads the MetaGraphDef whose tags include every tag in `tags` (TensorFlow
  // requires the same set; cairn also accepts a superset, preferring an exact
  // match) and restores its variables from `dir`/variables/variables.
  // Throws NotFoundError (no saved_model.pb, no matching tags, a missing
  // variables bundle or variable) or DataLossError (a corrupt file), naming
  // the file. `fs` is only used during load.
  static SavedModel load(const std::string& dir, const std::vector<std::string>& tags = {"serve"});
  static SavedModel load(FileSystem& fs, const std::string& dir,
                         const std::vector<std::string>& tags = {"serve"});
  // The same, with the run limit of `options`. Also throws
  // InvalidArgumentError naming saved_model.pb and the node for a graph with
  // two nodes of one name or an input reading an output its node lacks, and
  // DataLossError for a signature tensor of more than kMaxRank dimensions.
  static SavedModel load(FileSystem& fs, const std::string& dir, const LoadOptions& options);

  SavedModel(SavedModel&&) noexcept;
  SavedModel& operator=(SavedModel&&) noexcept;
  ~SavedModel();

  // The loaded MetaGraphDef's tags.
  const std::vector<std::string>& tags() const;
  // Its signatures, sorted by key.
  const std::vector<Signature>& signatures() const;
  // The signature `key`; NotFoundError listing the available keys.
  const Signature& signature(const std::string& key) const;
  // A cairn Estimator export's feature keys in their declared (CSV column)
  // order; empty for other SavedModels.
  const std::vector<std::string>& feature_columns() const;

  // Feeds `inputs` (by the signature's input names) and returns every output
  // of the signature, by output name. Inputs the outputs do not depend on
  // may be left out. Throws InvalidArgumentError for an unknown input name,
  // a wrong dtype or shape, or an unfed placeholder; UnimplementedError
  // naming the op and node for an op outside the supported subset;
  // ResourceExhaustedError naming the node past LoadOptions::max_run_bytes.
  std::map<std::string, Tensor> run(const std::string& signature_key,
                                    const std::map<std::string, Tensor>& inputs) const;

 private:
  struct Impl;
  explicit SavedModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::serving
