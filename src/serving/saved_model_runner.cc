// SavedModel: picks a MetaGraphDef by its tags, restores its variables and
// runs signatures through the GraphRunner.
#include "cairn/serving/saved_model_runner.h"

#include <algorithm>

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "serving/function_library.h"
#include "serving/graph_runner.h"
#include "serving/resource_variables.h"
#include "serving/signatures.h"
#include "serving/variables.h"

namespace cairn::serving {
namespace {

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

// The runner refers to the library and the variables: it is declared
// last, so it is destroyed first.
struct SavedModel::Impl {
  std::vector<std::string> tags;
  std::vector<Signature> signatures;
  std::vector<std::string> feature_columns;
  std::unique_ptr<internal::VariableStore> resources;
  std::unique_ptr<internal::FunctionLibrary> library;
  std::unique_ptr<internal::GraphRunner> runner;
};

std::vector<MetaGraphSummary> read_meta_graphs(const std::string& dir, FileSystem& fs) {
  tensorflow::SavedModel saved = value_or_throw(read_saved_model_proto(fs, dir));
  std::vector<MetaGraphSummary> out;
  for (const auto& meta : saved.meta_graphs()) {
    out.push_back({tags_of(meta), internal::read_signatures(meta, saved_model_pb_path(dir))});
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
  const std::string pb = saved_model_pb_path(dir);
  auto impl = std::make_unique<Impl>();
  impl->tags = tags_of(*meta);
  impl->signatures = internal::read_signatures(*meta, pb);
  auto variables = internal::restore_variables(fs, dir, meta->graph_def());
  throw_if_error(variables.status());
  auto resources = internal::restore_resource_variables(fs, dir, *meta);
  throw_if_error(resources.status());
  impl->resources = std::make_unique<internal::VariableStore>(std::move(*resources));
  auto library = internal::FunctionLibrary::create(
      meta->graph_def().library(), meta->meta_info_def().stripped_op_list(), impl->resources.get());
  throw_if_error(library.status().with_context(pb));
  impl->library = std::move(*library);
  tensorflow::GraphDef graph = meta->graph_def();
  graph.clear_library();  // instantiated above
  auto runner = internal::GraphRunner::create(
      std::move(graph), std::move(*variables), options.max_run_bytes,
      {.library = impl->library.get(), .resources = impl->resources.get()});
  throw_if_error(runner.status().with_context(pb));
  impl->runner = std::move(*runner);
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
    internal::check_input(name, spec->second, value);
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
