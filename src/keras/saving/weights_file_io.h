// Internal to keras: one reader and one writer per format of keras/convert.h
// (weights_formats.cc), for convert() and read_weights_file().
#pragma once

#include <string>

#include "cairn/keras/convert.h"

namespace cairn::keras::internal {

// Every tensor of `path`, read as `format`.
WeightsFile read_weights_file_as(const std::string& path, WeightsFormat format, FileSystem& fs);

// Writes `weights` to `path` as `format`, replacing what is there atomically.
// Not for kKerasModel and kKerasWeights, which are written from a model.
void write_weights_file(const WeightsFile& weights, const std::string& path, WeightsFormat format,
                        FileSystem& fs);

}  // namespace cairn::keras::internal
