// Reading TensorFlow event files (events.out.tfevents.*): every Event, or
// just the scalar time series, from files written by TensorFlow 1.x/2.x,
// Keras, TensorBoard's writers or cairn's EventWriter.
//
//   CAIRN_ASSIGN_OR_RETURN(std::vector<tensorflow::Event> events,
//                          cairn::read_events(fs,
//                          "models/iris/events.out.tfevents.1499183295.host"));
//   CAIRN_ASSIGN_OR_RETURN(auto scalars, cairn::read_scalars(fs, path));
//   for (const cairn::ScalarEvent& s : scalars) print(s.step, s.tag, s.value);
//
// A damaged file gives DATA_LOSS naming the file and the record's offset
// (see record_reader.h); a record that is not an Event proto likewise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/io/file_system.h"
#include "cairn/proto/event.pb.h"

namespace cairn {

// Every Event of the file at `path`, in file order.
Result<std::vector<tensorflow::Event>> read_events(FileSystem& fs, const std::string& path);

// One point of a scalar time series.
struct ScalarEvent {
  std::string tag;
  int64_t step = 0;
  double wall_time = 0;
  double value = 0;  // float32 scalars widen exactly
};

// The scalars in `events`, in order: Summary values holding simple_value
// (TF 1.x, Keras) or a rank-0 DT_FLOAT/DT_DOUBLE tensor (TF 2.x
// tf.summary.scalar). Values with no value set, and other tensors (strings,
// non-scalars), are skipped.
std::vector<ScalarEvent> list_scalars(const std::vector<tensorflow::Event>& events);
// Appends the scalars of one event to `scalars` (list_scalars' rule).
void append_scalars(const tensorflow::Event& event, std::vector<ScalarEvent>* scalars);

// read_events() then list_scalars().
Result<std::vector<ScalarEvent>> read_scalars(FileSystem& fs, const std::string& path);

// A DT_FLOAT or DT_DOUBLE tensor's shape and values, widened to double.
struct FloatTensor {
  std::vector<int64_t> shape;  // empty: a scalar
  std::vector<double> values;  // row-major, one per element
};

// The tensor in a serialized TensorProto of dtype DT_FLOAT or DT_DOUBLE
// (values in float_val/double_val or tensor_content); nullopt for any other
// dtype, an unknown shape, or values that do not fill the shape.
// Summary.Value.tensor is declared as bytes (summary.proto).
std::optional<FloatTensor> decode_float_tensor(std::string_view serialized_tensor_proto);

// The value of a serialized rank-0 DT_FLOAT or DT_DOUBLE TensorProto
// (decode_float_tensor); nullopt for anything else.
std::optional<double> decode_scalar_tensor(std::string_view serialized_tensor_proto);

}  // namespace cairn
