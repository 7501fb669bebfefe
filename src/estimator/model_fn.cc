#include "cairn/estimator/model_fn.h"

#include "cairn/core/errors.h"

namespace cairn::estimator {

std::string_view mode_name(ModeKeys mode) {
  switch (mode) {
    case ModeKeys::kTrain:
      return "train";
    case ModeKeys::kEval:
      return "eval";
    case ModeKeys::kPredict:
      return "infer";
  }
  return "?";
}

keras::KerasTensor Features::operator[](const std::string& key) {
  for (const auto& [input, keys] : inputs_) {
    if (keys.size() == 1 && keys[0] == key && input.name() == key) return input;
  }
  auto it = widths_.find(key);
  if (it == widths_.end()) {
    std::string known;
    for (const auto& [k, w] : widths_) known += (known.empty() ? "" : ", ") + k;
    throw InvalidArgumentError("model_fn asks for feature '" + key +
                               "', which the input does not yield (it yields: " + known + ")");
  }
  inputs_.emplace_back(keras::Input({it->second}, key), std::vector<std::string>{key});
  return inputs_.back().first;
}

keras::KerasTensor Features::input_layer() {
  for (const auto& [input, keys] : inputs_) {
    if (input.name() == "input_layer") return input;
  }
  int64_t width = 0;
  std::vector<std::string> keys;
  for (const auto& [key, w] : widths_) {
    width += w;
    keys.push_back(key);
  }
  if (keys.empty()) throw InvalidArgumentError("model_fn: the input yields no features");
  inputs_.emplace_back(keras::Input({width}, "input_layer"), std::move(keys));
  return inputs_.back().first;
}

}  // namespace cairn::estimator
