// `cairn saved_model show` prints what TensorFlow's saved_model_cli show
// prints (tensorflow/python/tools/saved_model_cli.py), line for line:
//
//   The given SavedModel SignatureDef contains the following input(s):
//     inputs['x'] tensor_info:
//         dtype: DT_FLOAT
//         shape: (-1, 1)
//         name: x:0
//   ...
//   Method name is: tensorflow/serving/predict
#include "cli/saved_model_commands.h"

#include <algorithm>
#include <ostream>

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/formats/json_limits.h"
#include "cairn/serving/saved_model_runner.h"
#include "cli/guarded.h"
#include "cli/json_tensor.h"

namespace cairn::cli {
namespace {

using serving::MetaGraphSummary;
using serving::Signature;
using serving::TensorSpec;

// "serve, gpu" -> {"serve", "gpu"}: comma-separated, spaces and empty tags dropped.
std::vector<std::string> split_tags(const std::string& text) {
  std::vector<std::string> tags;
  for (std::string_view tag : split(text, ',')) {
    tag = trim(tag, " ");
    if (!tag.empty()) tags.emplace_back(tag);
  }
  return tags;
}

// "serve, train": the tags sorted, as saved_model_cli prints a tag-set.
std::string tag_set_text(std::vector<std::string> tags) {
  std::sort(tags.begin(), tags.end());
  return join(tags, ", ");
}

std::string shape_text(const TensorSpec& spec) {
  if (spec.unknown_rank) return "unknown_rank";
  std::vector<std::string> dims;
  for (int64_t d : spec.shape) dims.push_back(std::to_string(d));
  std::string out = "(";
  out += join(dims, ", ");
  out += ")";
  return out;
}

void print_tensors(std::ostream& out, const std::string& pad, const char* kind,
                   const std::map<std::string, TensorSpec>& tensors) {
  out << pad << "The given SavedModel SignatureDef contains the following " << kind << "(s):\n";
  for (const auto& [key, spec] : tensors) {
    out << pad << "  " << kind << "s['" << key << "'] tensor_info:\n";
    out << pad << "      dtype: " << spec.dtype_name << "\n";
    out << pad << "      shape: " << shape_text(spec) << "\n";
    out << pad << "      name: " << spec.name << "\n";
  }
}

void print_signature(std::ostream& out, const Signature& sig, int indent) {
  const std::string pad(static_cast<size_t>(2 * indent), ' ');
  print_tensors(out, pad, "input", sig.inputs);
  print_tensors(out, pad, "output", sig.outputs);
  out << pad << "Method name is: " << sig.method_name << "\n";
}

const MetaGraphSummary& find_meta_graph(const std::vector<MetaGraphSummary>& metas,
                                        const std::string& tag_set, const std::string& dir) {
  std::vector<std::vector<std::string>> tag_sets;
  for (const auto& m : metas) tag_sets.push_back(m.tags);
  const int index = serving::match_tag_set(tag_sets, split_tags(tag_set));
  if (index < 0) {
    throw NotFoundError(saved_model_pb_path(dir) + ": no MetaGraphDef with tag-set '" + tag_set +
                        "'");
  }
  return metas[static_cast<size_t>(index)];
}

const Signature& find_signature(const MetaGraphSummary& meta, const std::string& key) {
  for (const Signature& s : meta.signatures) {
    if (s.key == key) return s;
  }
  throw NotFoundError("no SignatureDef with key '" + key + "' in MetaGraphDef '" +
                      tag_set_text(meta.tags) + "'");
}

void show_all(std::ostream& out, std::vector<MetaGraphSummary> metas) {
  std::sort(metas.begin(), metas.end(), [](const auto& a, const auto& b) {
    return tag_set_text(a.tags) < tag_set_text(b.tags);
  });
  for (const MetaGraphSummary& meta : metas) {
    out << "\nMetaGraphDef with tag-set: '" << tag_set_text(meta.tags)
        << "' contains the following SignatureDefs:\n";
    for (const Signature& sig : meta.signatures) {
      out << "\nsignature_def['" << sig.key << "']:\n";
      print_signature(out, sig, 1);
    }
  }
}

void show(const SavedModelShowCommand& cmd, std::ostream& out) {
  const std::vector<MetaGraphSummary> metas = serving::read_meta_graphs(cmd.dir);
  if (cmd.all) return show_all(out, metas);
  if (!cmd.tag_set) {
    if (cmd.signature_def) throw InvalidArgumentError("--signature_def needs --tag_set");
    std::vector<std::string> sets;
    for (const auto& m : metas) sets.push_back(tag_set_text(m.tags));
    std::sort(sets.begin(), sets.end());
    out << "The given SavedModel contains the following tag-sets:\n";
    for (const auto& s : sets) out << "'" << s << "'\n";
    return;
  }
  const MetaGraphSummary& meta = find_meta_graph(metas, *cmd.tag_set, cmd.dir);
  if (cmd.signature_def) return print_signature(out, find_signature(meta, *cmd.signature_def), 0);
  out << "The given SavedModel MetaGraphDef contains SignatureDefs with the following keys:\n";
  for (const Signature& s : meta.signatures) out << "SignatureDef key: \"" << s.key << "\"\n";
}

// NAME=JSON as a tensor of the dtype the signature gives NAME.
std::pair<std::string, Tensor> parse_input(const std::string& flag, const Signature& sig) {
  const size_t eq = flag.find('=');
  if (eq == std::string::npos) {
    throw InvalidArgumentError("--input " + flag + ": expected NAME=JSON");
  }
  const std::string name = flag.substr(0, eq);
  auto spec = sig.inputs.find(name);
  if (spec == sig.inputs.end()) {
    std::vector<std::string> names;
    for (const auto& [n, s] : sig.inputs) names.push_back(n);
    throw InvalidArgumentError("--input " + name + ": signature '" + sig.key +
                               "' has no such input (its inputs: " + join(names, ", ") + ")");
  }
  const nlohmann::json value =
      value_or_throw(parse_untrusted_json<nlohmann::json>(flag.substr(eq + 1), "--input " + name));
  const DType dtype = spec->second.dtype == DType::kInvalid ? DType::kFloat32 : spec->second.dtype;
  return {name, json_to_tensor(value, dtype, "--input " + name)};
}

void run(const SavedModelRunCommand& cmd, std::ostream& out) {
  auto model = serving::SavedModel::load(cmd.dir, split_tags(cmd.tag_set));
  const Signature& sig = model.signature(cmd.signature_def);
  std::map<std::string, Tensor> inputs;
  for (const std::string& flag : cmd.inputs) {
    auto [name, value] = parse_input(flag, sig);
    if (!inputs.emplace(name, std::move(value)).second) {
      throw InvalidArgumentError("--input " + name + " is given twice; give each input once");
    }
  }
  ordered_json doc = ordered_json::object();
  for (const auto& [name, value] : model.run(cmd.signature_def, inputs)) {
    doc[name] = tensor_to_json(value);
  }
  out << dump_line(doc) << "\n";
}

}  // namespace

bool is_saved_model_dir(const std::string& path) {
  FileSystem& fs = default_file_system();
  return !path.empty() && fs.is_directory(path) && fs.file_exists(saved_model_pb_path(path));
}

int run_saved_model_show(const SavedModelShowCommand& cmd, std::ostream& out, std::ostream& err) {
  return guarded("saved_model show", err, [&] { show(cmd, out); });
}

int run_saved_model_run(const SavedModelRunCommand& cmd, std::ostream& out, std::ostream& err) {
  return guarded("saved_model run", err, [&] { run(cmd, out); });
}

}  // namespace cairn::cli
