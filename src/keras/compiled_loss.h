// What compile() resolved: the loss and the metrics, by kind.
#pragma once

#include <string>
#include <vector>

#include "keras/losses.h"

namespace cairn::keras::internal {

struct CompiledLoss {
  LossKind kind;
  std::vector<std::string> metric_names;  // as given to compile()
  std::vector<Metric> metrics;            // resolved once the output size is known
};

}  // namespace cairn::keras::internal
