#include "cairn/keras/loss_function.h"

#include "cairn/core/errors.h"
#include "keras/losses.h"

namespace cairn::keras {

bool is_loss_name(const std::string& name) { return internal::loss_from_name(name).has_value(); }

nn::LossResult loss_function(const std::string& name, const nn::Matrix& outputs,
                             const nn::Matrix& targets) {
  const std::optional<internal::LossKind> kind = internal::loss_from_name(name);
  if (!kind) throw InvalidArgumentError("unknown Keras loss '" + name + "'");
  internal::check_targets(*kind, targets, outputs.cols());
  internal::LossOutput out =
      internal::compute_loss(*kind, outputs, nullptr, nn::Activation::kLinear, targets);
  return {std::move(out.per_example), std::move(out.gradient)};
}

}  // namespace cairn::keras
