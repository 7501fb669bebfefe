// GraphBuilder and the TensorProto/AttrValue makers. Attr names and values
// follow the OpDefs of TensorFlow's ops (tensorflow/core/ops/*.cc): a node
// must carry every attr its OpDef declares without a default.
#include "cairn/formats/graph/graph_builder.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cassert>
#include <cctype>

#include "formats/text_format_errors.h"

namespace cairn {
namespace {

void fill_value(tensorflow::TensorProto& proto, DType dtype, double value) {
  switch (dtype) {
    case DType::kFloat32:
      proto.add_float_val(static_cast<float>(value));
      return;
    case DType::kFloat64:
      proto.add_double_val(value);
      return;
    case DType::kInt32:
    case DType::kInt16:
    case DType::kInt8:
    case DType::kUint8:
    case DType::kUint16:
      proto.add_int_val(static_cast<int32_t>(value));
      return;
    case DType::kInt64:
      proto.add_int64_val(static_cast<int64_t>(value));
      return;
    case DType::kUint32:
      proto.add_uint32_val(static_cast<uint32_t>(value));
      return;
    case DType::kUint64:
      proto.add_uint64_val(static_cast<uint64_t>(value));
      return;
    case DType::kBool:
      proto.add_bool_val(value != 0);
      return;
    case DType::kHalf:
      proto.add_half_val(half::from_float(static_cast<float>(value)).bits);
      return;
    case DType::kBfloat16:
      proto.add_half_val(bfloat16::from_float(static_cast<float>(value)).bits);
      return;
    case DType::kString:
      proto.add_string_val("");
      return;
    default:  // no value field cairn fills
      break;
  }
  assert(false && "filled_tensor_proto: no value field for this dtype");
}

// The temporary directory of a sharded save, relative to the prefix
// (TensorFlow draws "_temp_<uuid4 hex>/part"; a fixed one keeps graphs
// reproducible).
constexpr char kShardTempSuffix[] = "_temp_00000000000000000000000000000000/part";

tensorflow::TensorProto string_vector(const std::vector<std::string>& values) {
  return to_tensor_proto(Tensor::from_strings(values, {static_cast<int64_t>(values.size())}));
}

// The tensors a saver lists, sorted by name.
struct SaverTensors {
  std::vector<std::string> names, slices, values;
  std::vector<DType> dtypes;
};

// The save half of a sharded saver: SaveV2 to "<prefix>_temp_.../part-00000-
// of-00001", then MergeV2Checkpoints into <prefix>; "save/Identity" yields
// the prefix once both ran.
void add_save(GraphBuilder& b, const std::string& prefix, const SaverTensors& t) {
  const auto str = type_attr(DType::kString);
  std::string temp =
      b.constant("save/StringJoin/inputs_1", Tensor::from_strings({kShardTempSuffix}, {})).name();
  std::string join = b.op("save/StringJoin", "StringJoin", {prefix, temp},
                          {{"N", int_attr(2)}, {"separator", string_attr("")}})
                         .name();
  std::string num_shards = b.constant("save/num_shards", Tensor::scalar<int32_t>(1)).name();
  std::string shard = b.constant("save/ShardedFilename/shard", Tensor::scalar<int32_t>(0)).name();
  std::string filename =
      b.op("save/ShardedFilename", "ShardedFilename", {join, shard, num_shards}).name();
  std::vector<std::string> inputs = {
      filename, b.constant("save/SaveV2/tensor_names", string_vector(t.names)).name(),
      b.constant("save/SaveV2/shape_and_slices", string_vector(t.slices)).name()};
  inputs.insert(inputs.end(), t.values.begin(), t.values.end());
  std::string save =
      b.op("save/SaveV2", "SaveV2", inputs, {{"dtypes", type_list_attr(t.dtypes)}}).name();
  tensorflow::NodeDef& dep =
      b.op("save/control_dependency", "Identity", {filename, "^" + save}, {{"T", str}});
  colocate_with(dep, filename);
  std::string prefixes =
      b.op("save/MergeV2Checkpoints/checkpoint_prefixes", "Pack", {filename, "^" + dep.name()},
           {{"N", int_attr(1)}, {"T", str}, {"axis", int_attr(0)}})
          .name();
  std::string merge = b.op("save/MergeV2Checkpoints", "MergeV2Checkpoints", {prefixes, prefix},
                           {{"delete_old_dirs", bool_attr(true)}})
                          .name();
  b.op("save/Identity", "Identity", {prefix, "^" + dep.name(), "^" + merge}, {{"T", str}});
}

}  // namespace

tensorflow::DataType to_proto_dtype(DType dtype) {
  return static_cast<tensorflow::DataType>(static_cast<int>(dtype));
}

tensorflow::TensorShapeProto to_shape_proto(const std::vector<int64_t>& dims) {
  tensorflow::TensorShapeProto shape;
  for (int64_t d : dims) shape.add_dim()->set_size(d);
  return shape;
}

tensorflow::TensorProto to_tensor_proto(const Tensor& tensor) {
  tensorflow::TensorProto proto;
  proto.set_dtype(to_proto_dtype(tensor.dtype()));
  *proto.mutable_tensor_shape() = to_shape_proto(tensor.shape().dims());
  if (tensor.dtype() == DType::kString) {
    for (const auto& s : tensor.strings()) proto.add_string_val(s);
  } else {
    proto.set_tensor_content(reinterpret_cast<const char*>(tensor.data()), tensor.byte_size());
  }
  return proto;
}

tensorflow::TensorProto filled_tensor_proto(DType dtype, const TensorShape& shape, double value) {
  tensorflow::TensorProto proto;
  proto.set_dtype(to_proto_dtype(dtype));
  *proto.mutable_tensor_shape() = to_shape_proto(shape.dims());
  fill_value(proto, dtype, value);
  return proto;
}

tensorflow::AttrValue type_attr(DType dtype) {
  tensorflow::AttrValue v;
  v.set_type(to_proto_dtype(dtype));
  return v;
}

tensorflow::AttrValue type_list_attr(const std::vector<DType>& dtypes) {
  tensorflow::AttrValue v;
  auto* list = v.mutable_list();
  for (DType d : dtypes) list->add_type(to_proto_dtype(d));
  return v;
}

tensorflow::AttrValue shape_attr(const std::vector<int64_t>& dims) {
  tensorflow::AttrValue v;
  *v.mutable_shape() = to_shape_proto(dims);
  return v;
}

tensorflow::AttrValue bool_attr(bool value) {
  tensorflow::AttrValue v;
  v.set_b(value);
  return v;
}

tensorflow::AttrValue int_attr(int64_t value) {
  tensorflow::AttrValue v;
  v.set_i(value);
  return v;
}

tensorflow::AttrValue float_attr(float value) {
  tensorflow::AttrValue v;
  v.set_f(value);
  return v;
}

tensorflow::AttrValue string_attr(std::string_view value) {
  tensorflow::AttrValue v;
  v.set_s(std::string(value));
  return v;
}

tensorflow::AttrValue tensor_attr(tensorflow::TensorProto tensor) {
  tensorflow::AttrValue v;
  *v.mutable_tensor() = std::move(tensor);
  return v;
}

GraphBuilder::GraphBuilder(int producer) { graph_.mutable_versions()->set_producer(producer); }

tensorflow::NodeDef& GraphBuilder::op(const std::string& name, const std::string& op_type,
                                      std::vector<std::string> inputs, AttrList attrs) {
  std::string unique = name;
  for (int suffix = 1; has_node(unique); ++suffix) unique = name + "_" + std::to_string(suffix);
  index_.emplace(unique, graph_.node_size());
  tensorflow::NodeDef& node = *graph_.add_node();
  node.set_name(std::move(unique));
  node.set_op(op_type);
  for (auto& input : inputs) node.add_input(std::move(input));
  for (auto& [key, value] : attrs) (*node.mutable_attr())[key] = std::move(value);
  return node;
}

tensorflow::NodeDef& GraphBuilder::placeholder(const std::string& name, DType dtype,
                                               const std::vector<int64_t>& dims) {
  return op(name, "Placeholder", {}, {{"dtype", type_attr(dtype)}, {"shape", shape_attr(dims)}});
}

tensorflow::NodeDef& GraphBuilder::variable(const std::string& name, DType dtype,
                                            const TensorShape& shape) {
  return op(name, "VariableV2", {},
            {{"dtype", type_attr(dtype)},
             {"shape", shape_attr(shape.dims())},
             {"container", string_attr("")},
             {"shared_name", string_attr("")}});
}

tensorflow::NodeDef& GraphBuilder::constant(const std::string& name, const Tensor& value) {
  return constant(name, to_tensor_proto(value));
}

tensorflow::NodeDef& GraphBuilder::constant(const std::string& name,
                                            tensorflow::TensorProto value) {
  tensorflow::AttrValue dtype;
  dtype.set_type(value.dtype());
  return op(name, "Const", {}, {{"dtype", dtype}, {"value", tensor_attr(std::move(value))}});
}

tensorflow::NodeDef& GraphBuilder::identity(const std::string& name, const std::string& input,
                                            DType dtype) {
  return op(name, "Identity", {input}, {{"T", type_attr(dtype)}});
}

tensorflow::NodeDef& GraphBuilder::assign(const std::string& variable, const std::string& value,
                                          const std::string& name) {
  const tensorflow::NodeDef* var = find(variable);
  assert(var != nullptr && var->attr().count("dtype") && "GraphBuilder::assign: no such variable");
  tensorflow::AttrValue dtype = var->attr().at("dtype");
  tensorflow::NodeDef& node =
      op(name.empty() ? variable + "/Assign" : name, "Assign", {variable, value},
         {{"T", std::move(dtype)},
          {"validate_shape", bool_attr(true)},
          {"use_locking", bool_attr(true)}});
  colocate_with(node, variable);
  return node;
}

tensorflow::NodeDef& GraphBuilder::matmul(const std::string& name, const std::string& a,
                                          const std::string& b, DType dtype, bool transpose_a,
                                          bool transpose_b) {
  return op(name, "MatMul", {a, b},
            {{"T", type_attr(dtype)},
             {"transpose_a", bool_attr(transpose_a)},
             {"transpose_b", bool_attr(transpose_b)}});
}

tensorflow::NodeDef& GraphBuilder::bias_add(const std::string& name, const std::string& value,
                                            const std::string& bias, DType dtype) {
  return op(name, "BiasAdd", {value, bias},
            {{"T", type_attr(dtype)}, {"data_format", string_attr("NHWC")}});
}

tensorflow::NodeDef& GraphBuilder::no_op(const std::string& name,
                                         const std::vector<std::string>& after) {
  std::vector<std::string> inputs;
  inputs.reserve(after.size());
  for (const auto& a : after) inputs.push_back("^" + a);
  return op(name, "NoOp", std::move(inputs));
}

const tensorflow::NodeDef* GraphBuilder::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &graph_.node(it->second);
}

tensorflow::GraphDef GraphBuilder::release() {
  index_.clear();
  return std::move(graph_);
}

void colocate_with(tensorflow::NodeDef& node, const std::string& with) {
  tensorflow::AttrValue v;
  v.mutable_list()->add_s("loc:@" + with);
  (*node.mutable_attr())["_class"] = std::move(v);
}

std::string valid_node_name(std::string_view name) {
  auto valid = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
           c == '/';
  };
  std::string out(name);
  for (char& c : out) {
    if (!valid(c)) c = '_';
  }
  if (out.empty() || out[0] == '_' || out[0] == '-' || out[0] == '/') out.insert(0, "v");
  return out;
}

std::string_view input_node_name(std::string_view input) {
  if (!input.empty() && input.front() == '^') input.remove_prefix(1);
  size_t colon = input.rfind(':');
  if (colon != std::string_view::npos) input = input.substr(0, colon);
  return input;
}

void add_sharded_saver(GraphBuilder& b, std::vector<SaverVariable> vars) {
  std::sort(vars.begin(), vars.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  SaverTensors t;
  for (const auto& v : vars) {
    t.names.push_back(v.name);
    t.values.push_back(v.value);
    t.dtypes.push_back(v.dtype);
  }
  t.slices.resize(vars.size());  // "": each variable whole
  std::string prefix = b.constant("save/Const", Tensor::from_strings({"model"}, {})).name();
  add_save(b, prefix, t);
  std::string restore =
      b.op("save/RestoreV2", "RestoreV2",
           {prefix, b.constant("save/RestoreV2/tensor_names", string_vector(t.names)).name(),
            b.constant("save/RestoreV2/shape_and_slices", string_vector(t.slices)).name()},
           {{"dtypes", type_list_attr(t.dtypes)}})
          .name();
  std::vector<std::string> assigns;
  for (size_t k = 0; k < vars.size(); ++k) {
    std::string output = k == 0 ? restore : restore + ":" + std::to_string(k);
    assigns.push_back(b.assign(vars[k].variable, output, "save/Assign").name());
  }
  std::string shard_restore = b.no_op("save/restore_shard", assigns).name();
  b.no_op("save/restore_all", {shard_restore});
}

tensorflow::SaverDef sharded_saver_def() {
  tensorflow::SaverDef s;
  s.set_filename_tensor_name("save/Const:0");
  s.set_save_tensor_name("save/Identity:0");
  s.set_restore_op_name("save/restore_all");
  s.set_max_to_keep(5);
  s.set_sharded(true);
  s.set_keep_checkpoint_every_n_hours(10000.0f);
  s.set_version(tensorflow::SaverDef::V2);
  return s;
}

std::string graph_to_pbtxt(const tensorflow::GraphDef& graph) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(graph, &text);
  return text;
}

Result<tensorflow::GraphDef> parse_graph_pbtxt(std::string_view text, const std::string& path) {
  tensorflow::GraphDef graph;
  google::protobuf::TextFormat::Parser parser;
  internal::FirstTextFormatError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &graph)) {
    return data_loss_error(path + ": not a valid GraphDef text file (" + errors.first() + ")");
  }
  return graph;
}

}  // namespace cairn
