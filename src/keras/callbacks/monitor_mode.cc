#include "keras/callbacks/monitor_mode.h"

#include <cstdio>

#include "cairn/core/errors.h"

namespace cairn::keras::internal {

bool maximize_monitor(const std::string& mode, const std::string& monitor) {
  if (mode == "max") return true;
  if (mode == "min") return false;
  if (mode != "auto") {
    throw InvalidArgumentError("mode must be 'auto', 'min' or 'max', got '" + mode + "'");
  }
  return monitor.find("acc") != std::string::npos || monitor.rfind("fmeasure", 0) == 0;
}

std::string epoch_label(int epoch) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "Epoch %05d", epoch + 1);
  return buffer;
}

}  // namespace cairn::keras::internal
