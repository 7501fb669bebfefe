// keras::Tensors: a model's x or y, in order or by name.
#include "cairn/core/errors.h"
#include "cairn/keras/model.h"

namespace cairn::keras {

Tensors::Tensors(Tensor single) : in_order_{std::move(single)} {}
Tensors::Tensors(std::vector<Tensor> in_order) : in_order_(std::move(in_order)) {}
Tensors::Tensors(std::initializer_list<Tensor> in_order) : in_order_(in_order) {}
Tensors::Tensors(std::map<std::string, Tensor> by_name)
    : by_name_(std::move(by_name)), named_(true) {}
Tensors::Tensors(std::initializer_list<std::pair<const std::string, Tensor>> by_name)
    : by_name_(by_name), named_(true) {}

std::vector<Tensor> Tensors::in_order_of(const std::vector<std::string>& names,
                                         const std::string& what) const {
  if (!named_) {
    if (in_order_.size() != names.size()) {
      throw InvalidArgumentError(what + ": the model has " + std::to_string(names.size()) +
                                 " of them, given " + std::to_string(in_order_.size()) +
                                 " tensors");
    }
    return in_order_;
  }
  std::vector<Tensor> out;
  for (const std::string& name : names) {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) throw InvalidArgumentError(what + ": no tensor for '" + name + "'");
    out.push_back(it->second);
  }
  for (const auto& [name, tensor] : by_name_) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string known;
      for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
      throw InvalidArgumentError(what + ": the model has no '" + name + "' (it has " + known + ")");
    }
  }
  return out;
}

}  // namespace cairn::keras
