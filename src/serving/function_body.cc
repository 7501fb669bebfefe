// FunctionDef -> FunctionBody: arguments become "_Arg" nodes, and every
// input "node:arg:i" is resolved against the node's OpDef.
#include "serving/function_body.h"

#include <charconv>

namespace cairn::serving::internal {
namespace {

// How many tensors `arg` stands for in a node: its number_attr, or the
// length of its type_list_attr, else one.
int arg_size(const tensorflow::OpDef::ArgDef& arg, const tensorflow::NodeDef& node) {
  auto attr = [&](const std::string& name) -> const tensorflow::AttrValue* {
    auto it = node.attr().find(name);
    return it == node.attr().end() ? nullptr : &it->second;
  };
  if (!arg.number_attr().empty()) {
    const tensorflow::AttrValue* n = attr(arg.number_attr());
    return n == nullptr ? 1 : static_cast<int>(n->i());
  }
  if (!arg.type_list_attr().empty()) {
    const tensorflow::AttrValue* list = attr(arg.type_list_attr());
    return list == nullptr ? 1 : list->list().type_size();
  }
  return 1;
}

// "7" -> 7; -1 for anything but a small non-negative number.
int parse_index(const std::string& text) {
  int value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.size() > 9) return -1;
  return value;
}

// The instantiation of one FunctionDef.
class Instantiation {
 public:
  Instantiation(const tensorflow::FunctionDef& def, const OpDefs& ops) : def_(def), ops_(ops) {}

  Result<FunctionBody> run() {
    CAIRN_RETURN_IF_ERROR(add_arguments());
    for (const auto& node : def_.node_def()) {
      if (!nodes_.emplace(node.name(), &node).second) {
        return error("has two nodes (or an argument and a node) named '" + node.name() + "'");
      }
    }
    for (const auto& node : def_.node_def()) CAIRN_RETURN_IF_ERROR(add_node(node));
    CAIRN_RETURN_IF_ERROR(add_outputs());
    return std::move(body_);
  }

 private:
  Status error(const std::string& message) const {
    return invalid_argument_error("function '" + def_.signature().name() + "' " + message);
  }

  Status add_arguments() {
    int index = 0;
    for (const auto& arg : def_.signature().input_arg()) {
      if (!arg.number_attr().empty() || !arg.type_list_attr().empty()) {
        return unimplemented_error("function '" + def_.signature().name() + "' argument " + "'" +
                                   arg.name() + "'" +
                                   " is a list of tensors, which cairn does not support");
      }
      tensorflow::NodeDef* node = body_.graph.add_node();
      node->set_name(arg.name());
      node->set_op("_Arg");
      (*node->mutable_attr())["index"].set_i(index++);
      nodes_.emplace(arg.name(), nullptr);  // nullptr: an argument
      body_.arguments.push_back(arg.name());
      const int raw = static_cast<int>(arg.type());
      body_.argument_dtypes.push_back(is_known_dtype(raw) ? static_cast<DType>(raw)
                                                          : DType::kInvalid);
    }
    return ok_status();
  }

  // `input` ("x", "x:0", "node:arg:i", "^node") in GraphDef form.
  Result<std::string> resolve(const std::string& input, const std::string& reader) const {
    const std::string use =
        reader.empty() ? "returns " + input : "node '" + reader + "'" + " reads '" + input + "'";
    if (!input.empty() && input[0] == '^') {
      if (!nodes_.count(input.substr(1))) return error(use + ", which names no node");
      return input;
    }
    const size_t first = input.find(':');
    const std::string name = input.substr(0, first);
    auto it = nodes_.find(name);
    if (it == nodes_.end()) return error(use + ", which names no argument or node");
    if (it->second == nullptr) {  // an argument: "x" or "x:0"
      if (first == std::string::npos || input.substr(first + 1) == "0") return name + ":0";
      return error(use + ": an argument has one tensor");
    }
    const size_t second = input.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) {
      return error(use + ", not of the form node:output_arg:index");
    }
    const std::string arg = input.substr(first + 1, second - first - 1);
    const int index = parse_index(input.substr(second + 1));
    if (index < 0) return error(use + ", whose index is not a number");
    auto op = ops_.find(it->second->op());
    int position = index;  // an op without an OpDef: one output arg
    if (op != ops_.end()) {
      position = output_position(*op->second, *it->second, arg, index);
      if (position < 0) {
        return error(use + ", but op " + it->second->op() + " has no output arg '" + arg + "'");
      }
    }
    return name + ":" + std::to_string(position);
  }

  Status add_node(const tensorflow::NodeDef& node) {
    tensorflow::NodeDef* copy = body_.graph.add_node();
    *copy = node;
    copy->clear_input();
    for (const std::string& input : node.input()) {
      CAIRN_ASSIGN_OR_RETURN(std::string resolved, resolve(input, node.name()));
      copy->add_input(std::move(resolved));
    }
    return ok_status();
  }

  Status add_outputs() {
    for (const auto& arg : def_.signature().output_arg()) {
      auto ret = def_.ret().find(arg.name());
      if (ret == def_.ret().end()) return error("returns nothing for output '" + arg.name() + "'");
      CAIRN_ASSIGN_OR_RETURN(std::string tensor, resolve(ret->second, ""));
      if (tensor[0] == '^') return error("returns a control input for '" + arg.name() + "'");
      body_.outputs.push_back(std::move(tensor));
    }
    for (const std::string& name : def_.signature().control_output()) {
      auto ret = def_.control_ret().find(name);
      const std::string node = ret == def_.control_ret().end() ? name : ret->second;
      auto it = nodes_.find(node);
      if (it == nodes_.end() || it->second == nullptr) {
        return error("has control output '" + name + "', which names no node");
      }
      body_.control_outputs.push_back(node);
    }
    return ok_status();
  }

  const tensorflow::FunctionDef& def_;
  const OpDefs& ops_;
  FunctionBody body_;
  std::unordered_map<std::string, const tensorflow::NodeDef*> nodes_;
};

}  // namespace

int output_position(const tensorflow::OpDef& def, const tensorflow::NodeDef& node,
                    const std::string& arg, int index) {
  int position = 0;
  for (const auto& out : def.output_arg()) {
    if (out.name() == arg) return position + index;
    position += arg_size(out, node);
  }
  return -1;
}

Result<FunctionBody> instantiate(const tensorflow::FunctionDef& def, const OpDefs& ops) {
  return Instantiation(def, ops).run();
}

}  // namespace cairn::serving::internal
