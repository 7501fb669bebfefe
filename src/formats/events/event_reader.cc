// Reads TensorFlow event files: a TFRecord file (src/io/record_reader.cc)
// whose records are serialized tensorflow.Event protos (event_writer.cc has
// the layout).
//
// Float tensors (TF 2.x scalars and histograms) are decoded from
// Summary.Value.tensor, a serialized TensorProto (TensorFlow's
// core/framework/tensor.proto):
//   1 dtype (varint DataType)      2 tensor_shape (TensorShapeProto; rank 0 = no dims)
//   4 tensor_content (raw little-endian bytes of every element)
//   5 float_val (packed fixed32)   6 double_val (packed fixed64)
// (TensorFlow's compressed form, where fewer float_val than elements repeat
// the last one, is not written by summaries and is not read.) Walked with
// protobuf's UnknownFieldSet, so tensor.proto is not needed here.
#include "cairn/formats/events/event_reader.h"

#include <google/protobuf/unknown_field_set.h>

#include <bit>

#include "cairn/core/tensor_shape.h"
#include "cairn/io/coding.h"
#include "cairn/io/record_reader.h"
#include "cairn/proto/tensor_shape.pb.h"
#include "cairn/proto/types.pb.h"

namespace cairn {
namespace {

using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// The fields of a TensorProto that can hold floats or doubles.
struct FloatTensorFields {
  uint64_t dtype = 0;
  std::optional<std::vector<int64_t>> shape = std::vector<int64_t>{};  // nullopt: unknown
  std::vector<double> values;  // float_val / double_val, in order
  std::string content;         // tensor_content
};

std::optional<std::vector<int64_t>> parse_shape(const std::string& shape_bytes) {
  tensorflow::TensorShapeProto shape;
  if (!shape.ParseFromString(shape_bytes) || shape.unknown_rank()) return std::nullopt;
  std::vector<int64_t> dims;
  for (const auto& dim : shape.dim()) {
    if (dim.size() < 0) return std::nullopt;
    dims.push_back(dim.size());
  }
  return dims;
}

// Appends the values of a packed float (width 4) or double (width 8) field.
void append_packed(std::string_view bytes, size_t width, std::vector<double>* out) {
  for (size_t i = 0; i + width <= bytes.size(); i += width) {
    if (width == 4) {
      out->push_back(std::bit_cast<float>(decode_fixed32(bytes.data() + i)));
    } else {
      out->push_back(std::bit_cast<double>(decode_fixed64(bytes.data() + i)));
    }
  }
}

void collect_value(const UnknownField& field, size_t width, std::vector<double>* out) {
  if (field.type() == UnknownField::TYPE_LENGTH_DELIMITED) {
    append_packed(field.length_delimited(), width, out);
  } else if (width == 4 && field.type() == UnknownField::TYPE_FIXED32) {
    out->push_back(std::bit_cast<float>(field.fixed32()));
  } else if (width == 8 && field.type() == UnknownField::TYPE_FIXED64) {
    out->push_back(std::bit_cast<double>(field.fixed64()));
  }
}

std::optional<FloatTensorFields> parse_tensor_fields(std::string_view bytes) {
  UnknownFieldSet fields;
  if (!fields.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return std::nullopt;
  FloatTensorFields out;
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& f = fields.field(i);
    const bool delimited = f.type() == UnknownField::TYPE_LENGTH_DELIMITED;
    if (f.number() == 1 && f.type() == UnknownField::TYPE_VARINT) out.dtype = f.varint();
    if (f.number() == 2 && delimited) out.shape = parse_shape(f.length_delimited());
    if (f.number() == 4 && delimited) out.content = f.length_delimited();
    if (f.number() == 5) collect_value(f, 4, &out.values);
    if (f.number() == 6) collect_value(f, 8, &out.values);
  }
  return out;
}

Status not_an_event(const std::string& path, uint64_t offset) {
  return data_loss_error(path + ": record at offset " + std::to_string(offset) +
                         " is not an Event proto");
}

}  // namespace

std::optional<FloatTensor> decode_float_tensor(std::string_view serialized_tensor_proto) {
  auto t = parse_tensor_fields(serialized_tensor_proto);
  if (!t || !t->shape) return std::nullopt;
  size_t width = 0;
  if (t->dtype == static_cast<uint64_t>(tensorflow::DT_FLOAT)) width = 4;
  if (t->dtype == static_cast<uint64_t>(tensorflow::DT_DOUBLE)) width = 8;
  // No more elements than the bytes could hold (a shape is untrusted).
  const int64_t limit = static_cast<int64_t>(serialized_tensor_proto.size());
  const int64_t count = TensorShape(*t->shape).checked_num_elements(limit);
  if (width == 0 || count < 0) return std::nullopt;
  FloatTensor out{.shape = std::move(*t->shape), .values = {}};
  if (t->values.empty()) {
    if (t->content.size() != static_cast<size_t>(count) * width) return std::nullopt;
    append_packed(t->content, width, &out.values);
  } else if (t->values.size() == static_cast<size_t>(count)) {
    out.values = std::move(t->values);
  } else {
    return std::nullopt;
  }
  return out;
}

std::optional<double> decode_scalar_tensor(std::string_view serialized_tensor_proto) {
  auto t = decode_float_tensor(serialized_tensor_proto);
  if (!t || !t->shape.empty()) return std::nullopt;
  return t->values.front();
}

Result<std::vector<tensorflow::Event>> read_events(FileSystem& fs, const std::string& path) {
  CAIRN_ASSIGN_OR_RETURN(auto file, fs.new_random_access_file(path));
  RecordReader reader(*file);
  std::vector<tensorflow::Event> events;
  uint64_t offset = 0;
  while (!reader.at_end(offset)) {
    const uint64_t start = offset;
    CAIRN_ASSIGN_OR_RETURN(std::string record, reader.read_record(&offset));
    if (!events.emplace_back().ParseFromString(record)) return not_an_event(path, start);
  }
  return events;
}

void append_scalars(const tensorflow::Event& event, std::vector<ScalarEvent>* scalars) {
  if (!event.has_summary()) return;
  for (const tensorflow::Summary::Value& v : event.summary().value()) {
    std::optional<double> value;
    if (v.has_simple_value()) value = v.simple_value();
    if (v.has_tensor()) value = decode_scalar_tensor(v.tensor());
    if (!value) continue;
    scalars->push_back(
        {.tag = v.tag(), .step = event.step(), .wall_time = event.wall_time(), .value = *value});
  }
}

std::vector<ScalarEvent> list_scalars(const std::vector<tensorflow::Event>& events) {
  std::vector<ScalarEvent> scalars;
  for (const tensorflow::Event& event : events) append_scalars(event, &scalars);
  return scalars;
}

Result<std::vector<ScalarEvent>> read_scalars(FileSystem& fs, const std::string& path) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<tensorflow::Event> events, read_events(fs, path));
  return list_scalars(events);
}

}  // namespace cairn
