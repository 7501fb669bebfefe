// SignatureDef -> Signature, the TF2 signature -> concrete function map of
// the object graph, and the input check.
#include "serving/signatures.h"

#include <algorithm>

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"

namespace cairn::serving::internal {
namespace {

// A TensorInfo without a tensor_shape, like one with unknown_rank, says
// nothing of the shape: TensorFlow feeds it any shape.
TensorSpec to_spec(const tensorflow::TensorInfo& info) {
  TensorSpec spec;
  spec.name = info.has_coo_sparse() ? info.coo_sparse().values_tensor_name() : info.name();
  const int raw = static_cast<int>(info.dtype());
  if (is_known_dtype(raw)) spec.dtype = static_cast<DType>(raw);
  spec.dtype_name = tensorflow::DataType_IsValid(raw) ? tensorflow::DataType_Name(info.dtype())
                                                      : "DT_" + std::to_string(raw);
  spec.unknown_rank = !info.has_tensor_shape() || info.tensor_shape().unknown_rank();
  for (const auto& d : info.tensor_shape().dim()) spec.shape.push_back(d.size());
  return spec;
}

// DataLossError naming `path` and the tensor for a shape past kMaxRank.
void check_rank(const tensorflow::TensorInfo& info, const std::string& path,
                const std::string& tensor) {
  const int rank = info.tensor_shape().dim_size();
  if (rank <= kMaxRank) return;
  throw DataLossError(path + ": " + tensor + " has a shape of " + std::to_string(rank) +
                      " dimensions, more than the " + std::to_string(kMaxRank) +
                      " a tensor may have");
}

// The child of object graph node `node` named `name`, or -1.
int child_of(const tensorflow::SavedObjectGraph& graph, int node, const std::string& name) {
  if (node < 0 || node >= graph.nodes_size()) return -1;
  for (const auto& child : graph.nodes(node).children()) {
    if (child.local_name() == name) return child.node_id();
  }
  return -1;
}

// Signature key -> concrete function: root --"signatures"--> signature_map
// --key--> a bare concrete function.
std::map<std::string, std::string> signature_functions(const tensorflow::SavedObjectGraph& graph) {
  std::map<std::string, std::string> out;
  const int map = child_of(graph, 0, "signatures");
  if (map < 0 || map >= graph.nodes_size()) return out;
  for (const auto& child : graph.nodes(map).children()) {
    const int id = child.node_id();
    if (id < 0 || id >= graph.nodes_size()) continue;
    const auto& object = graph.nodes(id);
    if (object.has_bare_concrete_function()) {
      out[child.local_name()] = object.bare_concrete_function().concrete_function_name();
    } else if (object.has_function() && object.function().concrete_functions_size() == 1) {
      out[child.local_name()] = object.function().concrete_functions(0);
    }
  }
  return out;
}

}  // namespace

std::vector<Signature> read_signatures(const tensorflow::MetaGraphDef& meta,
                                       const std::string& path) {
  const std::map<std::string, std::string> functions = signature_functions(meta.object_graph_def());
  std::vector<Signature> out;
  for (const auto& [key, def] : meta.signature_def()) {
    Signature s{key, def.method_name(), {}, {}, {}};
    if (auto f = functions.find(key); f != functions.end()) s.function = f->second;
    for (const auto& [name, info] : def.inputs()) {
      check_rank(info, path, "signature '" + key + "' input '" + name + "'");
      s.inputs[name] = to_spec(info);
    }
    for (const auto& [name, info] : def.outputs()) {
      check_rank(info, path, "signature '" + key + "' output '" + name + "'");
      s.outputs[name] = to_spec(info);
    }
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return out;
}

void check_input(const std::string& name, const TensorSpec& spec, const Tensor& value) {
  if (spec.dtype != DType::kInvalid && value.dtype() != spec.dtype) {
    throw InvalidArgumentError("input '" + name + "' must be " +
                               std::string(dtype_name(spec.dtype)) + ", not " +
                               std::string(dtype_name(value.dtype())));
  }
  if (spec.unknown_rank) return;
  bool fits = value.shape().rank() == static_cast<int>(spec.shape.size());
  for (int d = 0; fits && d < value.shape().rank(); ++d) {
    const int64_t want = spec.shape[static_cast<size_t>(d)];
    fits = want < 0 || want == value.shape().dim(d);
  }
  if (!fits) {
    std::vector<std::string> dims;
    for (int64_t d : spec.shape) dims.push_back(d < 0 ? "?" : std::to_string(d));
    throw InvalidArgumentError("input '" + name + "' has shape " + value.shape().to_string() +
                               ", the signature expects [" + join(dims, ", ") + "]");
  }
}

}  // namespace cairn::serving::internal
