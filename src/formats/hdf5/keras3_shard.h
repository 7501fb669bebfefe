// Between the Keras 3 weights reader and the sharded reader. Internal.
#pragma once

#include <string>
#include <string_view>

#include "cairn/formats/hdf5/keras3_weights.h"

namespace cairn::internal {

// decode_keras3_weights, except that with `shard` an object's vars may
// start past index 0 (Keras3Vars::first_index): the rest of an object whose
// first vars are in an earlier shard.
Result<Keras3Weights> decode_keras3_file(std::string_view bytes, const std::string& path,
                                         const KerasH5ReadOptions& options, bool shard);

}  // namespace cairn::internal
