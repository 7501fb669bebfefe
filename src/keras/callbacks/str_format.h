// Python's str.format for the file-name templates Keras callbacks take:
// "training_2/cp-{epoch:04d}.ckpt", "weights.{epoch:02d}-{val_loss:.2f}.h5".
//
// Fields are names looked up in `values`; a format spec is
// [[fill]align][sign][0][width][,][.precision][type] with type d, f, F, e,
// E, g, G, % or s (and none). "{{" and "}}" are literal braces. Written by
// hand: no packaged C++ library implements Python's mini-language (std::format
// is not in GCC 12).
#pragma once

#include <map>
#include <string>

namespace cairn::keras::internal {

// Integer-valued entries print as integers with "d" or no type ("{epoch}").
// Throws InvalidArgumentError naming a missing key (and the keys present)
// or a malformed template.
std::string python_format(const std::string& format, const std::map<std::string, double>& values);

}  // namespace cairn::keras::internal
