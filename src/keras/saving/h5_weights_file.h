// Internal to keras: a Keras HDF5 file as named tensors and back, for
// `cairn convert` (keras/convert.h has the naming). Each weight is keyed as
// tf.keras's TF-format save_weights keys it (weights_tf.h), and the .h5's own
// structure (layer and weight names in order, versions, configs) is recorded
// in the metadata, so h5_from_weights_file rebuilds the same .h5.
//
//   keras::WeightsFile w = internal::h5_to_weights_file(read_h5, "model.h5");
//   KerasH5File again = internal::h5_from_weights_file(w);   // same names, same bytes
#pragma once

#include <string>

#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/keras/convert.h"

namespace cairn::keras::internal {

// The metadata key that marks a WeightsFile converted from a .h5 (its value
// is the JSON of the .h5's layer and optimizer weight names).
inline constexpr std::string_view kH5NamesKey = "keras_h5.names";

// The tensors of `file` under their checkpoint keys, the object graph
// (_CHECKPOINTABLE_OBJECT_GRAPH) of those keys, and metadata recording the
// .h5's structure. Throws InvalidArgumentError naming `path` and both weights
// when two weights would get one key.
WeightsFile h5_to_weights_file(const KerasH5File& file, const std::string& path);

// The .h5 that h5_to_weights_file recorded in `weights`, or, without that
// record, the one its object graph (_CHECKPOINTABLE_OBJECT_GRAPH) names: its
// layers with weights, named by the weights' full names. Throws
// UnimplementedError when `weights` has neither, and
// InvalidArgumentError naming the key when a recorded weight's tensor is
// missing or the record is malformed.
KerasH5File h5_from_weights_file(const WeightsFile& weights);

}  // namespace cairn::keras::internal
