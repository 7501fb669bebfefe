// Which direction is better for a monitored metric: Keras's "auto" mode
// maximizes accuracy-like metrics and minimizes the rest.
#pragma once

#include <string>

namespace cairn::keras::internal {

// True to maximize. Throws InvalidArgumentError for a mode other than
// "auto", "min" or "max".
bool maximize_monitor(const std::string& mode, const std::string& monitor);

// Keras prints epochs as %05d counted from 1: "Epoch 00005".
std::string epoch_label(int epoch);

}  // namespace cairn::keras::internal
