#include "keras/fit_loop.h"

#include <string>

#include "cairn/core/errors.h"

namespace cairn::keras::internal {

void check_batch_size(int batch_size) {
  if (batch_size < 1) {
    throw InvalidArgumentError("batch_size must be positive, got " + std::to_string(batch_size));
  }
}

}  // namespace cairn::keras::internal
