// Internal to keras: a BaseModel seen as what it is, a Sequential or a
// functional Model, for the code written once for both (the saving
// templates, called by callbacks that hold a BaseModel).
//
//   internal::visit_model(model(), [&](auto& m) { internal::save_tf_weights(fs, m, prefix); });
#pragma once

#include <utility>

#include "cairn/core/errors.h"
#include "cairn/keras/model.h"
#include "cairn/keras/sequential.h"

namespace cairn::keras::internal {

template <class F>
decltype(auto) visit_model(BaseModel& model, F&& f) {
  if (auto* sequential = dynamic_cast<Sequential*>(&model)) {
    return std::forward<F>(f)(*sequential);
  }
  if (auto* functional = dynamic_cast<Model*>(&model)) return std::forward<F>(f)(*functional);
  throw UnimplementedError("model '" + model.name() +
                           "' is neither a keras::Sequential nor a keras::Model");
}

}  // namespace cairn::keras::internal
