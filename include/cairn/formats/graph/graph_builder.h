// Building a TensorFlow GraphDef (proto/cairn/proto/graph.proto) node by
// node, with the attrs TensorFlow's own ops carry, and its text form: the
// graph.pbtxt of a model directory and the graph inside every .meta file.
//
//   cairn::GraphBuilder b;
//   b.placeholder("x", cairn::DType::kFloat32, {-1, 4});       // [?, 4]
//   b.variable("w", cairn::DType::kFloat32, {4, 3});            // VariableV2
//   b.assign("w", b.constant("w/Initializer/zeros",
//                            cairn::Tensor(cairn::DType::kFloat32, {4, 3})).name());
//   b.identity("w/read", "w", cairn::DType::kFloat32);
//   b.matmul("y", "x", "w/read", cairn::DType::kFloat32);
//   std::string text = cairn::graph_to_pbtxt(b.graph());
//
// Nodes are appended in the order of the calls; an input names a node
// ("w/read"), one of its outputs ("save/RestoreV2:3") or a control
// dependency ("^w/Assign"). A name already taken gets TensorFlow's suffix
// ("save/Assign", "save/Assign_1", ...), as tf.Graph does: use the returned
// node's name() to refer to it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/proto/graph.pb.h"
#include "cairn/proto/saver.pb.h"

namespace cairn {

// The GraphDef producer version cairn's graphs declare: the ref-variable ops
// of TensorFlow 1.x (VariableV2, Assign), all still run by TensorFlow 2.
inline constexpr int kGraphDefProducer = 26;

// Attrs of a node, in the order given (the proto map sorts them on output).
using AttrList = std::vector<std::pair<std::string, tensorflow::AttrValue>>;

// The DataType enum value of `dtype` (cairn numbers dtypes as TensorFlow does).
tensorflow::DataType to_proto_dtype(DType dtype);
// A shape; -1 marks an unknown dimension (only meaningful in graphs).
tensorflow::TensorShapeProto to_shape_proto(const std::vector<int64_t>& dims);

// `tensor` as a TensorProto: numbers in tensor_content (their little-endian
// bytes, as Tensor::AsProtoTensorContent writes them), strings in string_val.
tensorflow::TensorProto to_tensor_proto(const Tensor& tensor);
// A tensor of `shape` whose every element is `value`, in TensorFlow's compact
// form: the value once in the *_val field of `dtype` (what tf.zeros and
// tf.constant(0.1, shape=...) put in a Const). Strings are filled with "".
tensorflow::TensorProto filled_tensor_proto(DType dtype, const TensorShape& shape, double value);

// AttrValues of each kind.
tensorflow::AttrValue type_attr(DType dtype);
tensorflow::AttrValue type_list_attr(const std::vector<DType>& dtypes);
tensorflow::AttrValue shape_attr(const std::vector<int64_t>& dims);
tensorflow::AttrValue bool_attr(bool value);
tensorflow::AttrValue int_attr(int64_t value);
tensorflow::AttrValue float_attr(float value);
tensorflow::AttrValue string_attr(std::string_view value);
tensorflow::AttrValue tensor_attr(tensorflow::TensorProto tensor);

class GraphBuilder {
 public:
  explicit GraphBuilder(int producer = kGraphDefProducer);

  // Appends a node of any op type, named `name` or, when taken, the first
  // free "<name>_N". The returned node stays valid (and editable) as long as
  // the builder.
  tensorflow::NodeDef& op(const std::string& name, const std::string& op_type,
                          std::vector<std::string> inputs = {}, AttrList attrs = {});

  // Placeholder {dtype, shape}; -1 in `dims` for the batch dimension.
  tensorflow::NodeDef& placeholder(const std::string& name, DType dtype,
                                   const std::vector<int64_t>& dims);
  // VariableV2 {dtype, shape, container "", shared_name ""}: a ref variable,
  // TensorFlow 1.x's tf.Variable.
  tensorflow::NodeDef& variable(const std::string& name, DType dtype, const TensorShape& shape);
  // Const {dtype, value}.
  tensorflow::NodeDef& constant(const std::string& name, const Tensor& value);
  tensorflow::NodeDef& constant(const std::string& name, tensorflow::TensorProto value);
  // Identity {T}.
  tensorflow::NodeDef& identity(const std::string& name, const std::string& input, DType dtype);
  // Assign {T, validate_shape, use_locking} of `value` to the VariableV2 node
  // `variable` (added earlier: T is its dtype), colocated with it. Named
  // "<variable>/Assign" unless `name` is given.
  tensorflow::NodeDef& assign(const std::string& variable, const std::string& value,
                              const std::string& name = "");
  // MatMul {T, transpose_a, transpose_b}.
  tensorflow::NodeDef& matmul(const std::string& name, const std::string& a, const std::string& b,
                              DType dtype, bool transpose_a = false, bool transpose_b = false);
  // BiasAdd {T, data_format "NHWC"}.
  tensorflow::NodeDef& bias_add(const std::string& name, const std::string& value,
                                const std::string& bias, DType dtype);
  // NoOp running after every node in `after` (control inputs "^node").
  tensorflow::NodeDef& no_op(const std::string& name, const std::vector<std::string>& after);

  // The node called `name`, or nullptr.
  const tensorflow::NodeDef* find(const std::string& name) const;
  bool has_node(const std::string& name) const { return find(name) != nullptr; }

  const tensorflow::GraphDef& graph() const { return graph_; }
  // Moves the graph out; the builder is empty afterwards.
  tensorflow::GraphDef release();

 private:
  tensorflow::GraphDef graph_;
  std::unordered_map<std::string, int> index_;  // node name -> position in graph_.node
};

// Marks `node` as placed with node `with` (TensorFlow's "_class" attr
// ["loc:@with"], set on a variable's read, Assign and initializer nodes).
void colocate_with(tensorflow::NodeDef& node, const std::string& with);

// `name` made a valid node name ("[A-Za-z0-9.][A-Za-z0-9_./-]*"): other
// characters become '_', and "v" is prepended to a name that starts with
// '_', '-' or '/' (TensorFlow reserves a leading '_' for internal ops).
std::string valid_node_name(std::string_view name);

// The node part of an input: "^a/b" and "a/b:1" -> "a/b".
std::string_view input_node_name(std::string_view input);

// A variable as the checkpoint saver sees it.
struct SaverVariable {
  std::string name;      // its name in checkpoints
  std::string variable;  // its VariableV2 node, restored by an Assign
  std::string value;     // the tensor SaveV2 saves, e.g. "<variable>/read"
  DType dtype = DType::kInvalid;
};

// Adds the subgraph of TensorFlow's tf.train.Saver(sharded=True) with V2
// checkpoints, under "save/" (which must be free), for `variables` sorted by
// name: fetching "save/Identity:0" with the checkpoint prefix fed to
// "save/Const:0" writes <prefix>.index and <prefix>.data-00000-of-00001
// (SaveV2 to a temporary shard, then MergeV2Checkpoints); running
// "save/restore_all" assigns every variable from RestoreV2.
void add_sharded_saver(GraphBuilder& b, std::vector<SaverVariable> variables);
// The SaverDef of that subgraph, as TensorFlow 1.x Estimators write it
// (max_to_keep 5, keep_checkpoint_every_n_hours 10000).
tensorflow::SaverDef sharded_saver_def();

// The text format of `graph`, as tf.io.write_graph(as_text=True) writes
// graph.pbtxt.
std::string graph_to_pbtxt(const tensorflow::GraphDef& graph);
// Parses a graph.pbtxt; DATA_LOSS naming `path` and the first bad line.
Result<tensorflow::GraphDef> parse_graph_pbtxt(std::string_view text, const std::string& path);

}  // namespace cairn
