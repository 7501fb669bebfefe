// SavedModel: picks a MetaGraphDef by its tags, restores its variables and
// runs signatures through the GraphRunner.
#include "cairn/serving/saved_model_runner.h"

#include <algorithm>

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "serving/graph_runner.h"
#include "serving/variables.h"

namespace cairn::serving {
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

// The signatures of `meta`, read from the saved_model.pb at `path`.
std::vector<Signature> to_signatures(const tensorflow::MetaGraphDef& meta,
                                     const std::string& path) {
  std::vector<Signature> out;
  for (const auto& [key, def] : meta.signature_def()) {
    Signature s{key, def.method_name(), {}, {}};
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

// 'text' (built by appending: GCC 12 warns falsely on "'" + std::string&&).
std::string quoted(const std::string& text) {
  std::string out = "'";
  out += text;
  out += '\'';
  return out;
}

std::vector<std::string> tags_of(const tensorflow::MetaGraphDef& meta) {
  return {meta.meta_info_def().tags().begin(), meta.meta_info_def().tags().end()};
}

// INVALID_ARGUMENT unless `value` matches what the signature declares.
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

std::vector<std::string> sorted_set(std::vector<std::string> tags) {
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

}  // namespace

int match_tag_set(const std::vector<std::vector<std::string>>& tag_sets,
                  const std::vector<std::string>& tags) {
  const std::vector<std::string> want = sorted_set(tags);
  int superset = -1;
  for (size_t i = 0; i < tag_sets.size(); ++i) {
    const std::vector<std::string> have = sorted_set(tag_sets[i]);
    if (have == want) return static_cast<int>(i);
    if (superset < 0 && std::includes(have.begin(), have.end(), want.begin(), want.end())) {
      superset = static_cast<int>(i);
    }
  }
  return superset;
}

struct SavedModel::Impl {
  std::vector<std::string> tags;
  std::vector<Signature> signatures;
  std::unique_ptr<internal::GraphRunner> runner;
  std::vector<std::string> feature_columns;
};

std::vector<MetaGraphSummary> read_meta_graphs(const std::string& dir, FileSystem& fs) {
  tensorflow::SavedModel saved = value_or_throw(read_saved_model_proto(fs, dir));
  std::vector<MetaGraphSummary> out;
  for (const auto& meta : saved.meta_graphs()) {
    out.push_back({tags_of(meta), to_signatures(meta, saved_model_pb_path(dir))});
  }
  return out;
}

SavedModel SavedModel::load(const std::string& dir, const std::vector<std::string>& tags) {
  return load(default_file_system(), dir, tags);
}

SavedModel SavedModel::load(FileSystem& fs, const std::string& dir,
                            const std::vector<std::string>& tags) {
  return load(fs, dir, LoadOptions{.tags = tags});
}

SavedModel SavedModel::load(FileSystem& fs, const std::string& dir, const LoadOptions& options) {
  const std::vector<std::string>& tags = options.tags;
  tensorflow::SavedModel saved = value_or_throw(read_saved_model_proto(fs, dir));
  std::vector<std::vector<std::string>> tag_sets;
  for (const auto& m : saved.meta_graphs()) tag_sets.push_back(tags_of(m));
  const int index = match_tag_set(tag_sets, tags);
  if (index < 0) {
    std::vector<std::string> available;
    for (const auto& m : saved.meta_graphs()) available.push_back(quoted(join(tags_of(m), ", ")));
    throw NotFoundError(saved_model_pb_path(dir) + ": no MetaGraphDef with tags '" +
                        join(tags, ", ") + "'; the tag-sets are " + join(available, ", "));
  }
  const tensorflow::MetaGraphDef* meta = &saved.meta_graphs(index);
  auto variables = internal::restore_variables(fs, dir, meta->graph_def());
  throw_if_error(variables.status());
  auto runner = internal::GraphRunner::create(meta->graph_def(), std::move(*variables),
                                              options.max_run_bytes);
  throw_if_error(runner.status().with_context(saved_model_pb_path(dir)));
  auto impl = std::make_unique<Impl>(
      Impl{tags_of(*meta), to_signatures(*meta, saved_model_pb_path(dir)), std::move(*runner), {}});
  const auto& collections = meta->collection_def();
  if (auto it = collections.find(kFeatureColumnsCollection); it != collections.end()) {
    for (const std::string& key : it->second.bytes_list().value()) {
      impl->feature_columns.push_back(key);
    }
  }
  return SavedModel(std::move(impl));
}

SavedModel::SavedModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SavedModel::SavedModel(SavedModel&&) noexcept = default;
SavedModel& SavedModel::operator=(SavedModel&&) noexcept = default;
SavedModel::~SavedModel() = default;

const std::vector<std::string>& SavedModel::tags() const { return impl_->tags; }

const std::vector<Signature>& SavedModel::signatures() const { return impl_->signatures; }

const std::vector<std::string>& SavedModel::feature_columns() const {
  return impl_->feature_columns;
}

const Signature& SavedModel::signature(const std::string& key) const {
  for (const Signature& s : impl_->signatures) {
    if (s.key == key) return s;
  }
  std::vector<std::string> keys;
  for (const Signature& s : impl_->signatures) keys.push_back(quoted(s.key));
  throw NotFoundError("the SavedModel has no signature '" + key + "'; its signatures are " +
                      (keys.empty() ? "none" : join(keys, ", ")));
}

std::map<std::string, Tensor> SavedModel::run(const std::string& signature_key,
                                              const std::map<std::string, Tensor>& inputs) const {
  const Signature& sig = signature(signature_key);
  std::map<std::string, Tensor> feeds;
  for (const auto& [name, value] : inputs) {
    auto spec = sig.inputs.find(name);
    if (spec == sig.inputs.end()) {
      std::vector<std::string> names;
      for (const auto& [n, s] : sig.inputs) names.push_back(quoted(n));
      throw InvalidArgumentError("signature '" + signature_key + "' has no input '" + name +
                                 "'; its inputs are " + join(names, ", "));
    }
    check_input(name, spec->second, value);
    feeds[spec->second.name] = value;
  }
  std::vector<std::string> fetches;
  for (const auto& [name, spec] : sig.outputs) fetches.push_back(spec.name);
  auto values = impl_->runner->run(feeds, fetches);
  if (!values.ok()) {
    throw_if_error(values.status().with_context("signature '" + signature_key + "'"));
  }
  std::map<std::string, Tensor> out;
  size_t i = 0;
  for (const auto& [name, spec] : sig.outputs) out.emplace(name, std::move((*values)[i++]));
  return out;
}

}  // namespace cairn::serving
