// TensorProto -> Tensor. Layout of the message: proto/cairn/proto/tensor.proto;
// the compact "repeat the last value" form is TensorFlow's
// (tensorflow/core/framework/tensor.cc, Tensor::FromProto).
#include "cairn/formats/graph/tensor_proto.h"

#include <algorithm>
#include <cstring>

#include "cairn/core/tensor_size.h"

namespace cairn {
namespace {

// Copies the *_val field `values` into `tensor` as elements of type T,
// repeating the last value up to the tensor's size.
template <typename T, typename Field>
Status fill_from(const Field& values, Tensor& tensor, const std::string& where) {
  const int64_t n = tensor.num_elements();
  const int64_t m = values.size();
  if (m > n) {
    return data_loss_error(where + ": TensorProto holds " + std::to_string(m) +
                           " values for a tensor of " + std::to_string(n) + " elements");
  }
  if (m == 0) return ok_status();
  T* out = reinterpret_cast<T*>(tensor.data());
  for (int64_t i = 0; i < n; ++i)
    out[i] = static_cast<T>(values[static_cast<int>(std::min(i, m - 1))]);
  return ok_status();
}

Status fill_strings(const tensorflow::TensorProto& proto, Tensor& tensor,
                    const std::string& where) {
  const int64_t n = tensor.num_elements();
  const int64_t m = proto.string_val_size();
  if (m > n) {
    return data_loss_error(where + ": TensorProto holds " + std::to_string(m) +
                           " strings for a tensor of " + std::to_string(n) + " elements");
  }
  for (int64_t i = 0; m > 0 && i < n; ++i) {
    tensor.strings()[static_cast<size_t>(i)] =
        proto.string_val(static_cast<int>(std::min(i, m - 1)));
  }
  return ok_status();
}

Status fill_values(const tensorflow::TensorProto& p, Tensor& t, const std::string& where) {
  switch (t.dtype()) {
    case DType::kFloat32:
      return fill_from<float>(p.float_val(), t, where);
    case DType::kFloat64:
      return fill_from<double>(p.double_val(), t, where);
    case DType::kInt32:
      return fill_from<int32_t>(p.int_val(), t, where);
    case DType::kInt16:
      return fill_from<int16_t>(p.int_val(), t, where);
    case DType::kInt8:
      return fill_from<int8_t>(p.int_val(), t, where);
    case DType::kUint8:
      return fill_from<uint8_t>(p.int_val(), t, where);
    case DType::kUint16:
      return fill_from<uint16_t>(p.int_val(), t, where);
    case DType::kInt64:
      return fill_from<int64_t>(p.int64_val(), t, where);
    case DType::kBool:
      return fill_from<bool>(p.bool_val(), t, where);
    case DType::kHalf:
    case DType::kBfloat16:
      return fill_from<uint16_t>(p.half_val(), t, where);  // the raw bits
    case DType::kUint32:
      return fill_from<uint32_t>(p.uint32_val(), t, where);
    case DType::kUint64:
      return fill_from<uint64_t>(p.uint64_val(), t, where);
    case DType::kString:
      return fill_strings(p, t, where);
    default:  // complex, quantized, float8: only as tensor_content bytes
      break;
  }
  return unimplemented_error(where + ": cannot decode a TensorProto of this dtype");
}

Result<TensorShape> proto_shape(const tensorflow::TensorProto& proto, const std::string& where) {
  const tensorflow::TensorShapeProto& shape = proto.tensor_shape();
  if (shape.unknown_rank()) return data_loss_error(where + ": TensorProto has an unknown rank");
  if (shape.dim_size() > kMaxRank) {
    return data_loss_error(where + ": TensorProto has " + std::to_string(shape.dim_size()) +
                           " dimensions, more than the " + std::to_string(kMaxRank) +
                           " a tensor may have");
  }
  std::vector<int64_t> dims;
  for (const auto& d : shape.dim()) dims.push_back(d.size());
  return TensorShape(std::move(dims));
}

// OK when a `dtype` tensor of `shape` fits in `max_bytes`, counting the
// characters of the strings a string tensor would repeat.
Status check_fits(const tensorflow::TensorProto& proto, DType dtype, const TensorShape& shape,
                  int64_t max_bytes, const std::string& where) {
  auto size = tensor_size(dtype, shape, max_bytes);
  if (!size.ok()) {
    const Status& s = size.status();
    return s.code() == StatusCode::kResourceExhausted ? s.with_context(where)
                                                      : data_loss_error(where + ": " + s.message());
  }
  if (dtype != DType::kString || proto.string_val_size() == 0) return ok_status();
  int64_t budget = max_bytes - size->bytes;
  for (const std::string& value : proto.string_val()) budget -= static_cast<int64_t>(value.size());
  const int64_t repeats = size->elements - proto.string_val_size();
  const auto last = static_cast<int64_t>(proto.string_val().rbegin()->size());
  if (budget < 0 || (last > 0 && repeats > budget / last)) {
    return resource_exhausted_error(where + ": the strings of TensorProto " + shape.to_string() +
                                    " take more than the limit of " + std::to_string(max_bytes) +
                                    " bytes");
  }
  return ok_status();
}

}  // namespace

Result<Tensor> tensor_from_proto(const tensorflow::TensorProto& proto, const std::string& where,
                                 int64_t max_bytes) {
  const int raw = static_cast<int>(proto.dtype());
  if (!is_known_dtype(raw) || !has_values(static_cast<DType>(raw))) {
    return unimplemented_error(where + ": TensorProto of DataType " + std::to_string(raw) +
                               " is not supported");
  }
  const auto dtype = static_cast<DType>(raw);
  CAIRN_ASSIGN_OR_RETURN(TensorShape shape, proto_shape(proto, where));
  CAIRN_RETURN_IF_ERROR(check_fits(proto, dtype, shape, max_bytes, where));
  Tensor tensor(dtype, std::move(shape));
  if (tensor.dtype() == DType::kString || proto.tensor_content().empty()) {
    CAIRN_RETURN_IF_ERROR(fill_values(proto, tensor, where));
    return tensor;
  }
  if (proto.tensor_content().size() != tensor.byte_size()) {
    return data_loss_error(
        where + ": tensor_content holds " + std::to_string(proto.tensor_content().size()) +
        " bytes, " + tensor.shape().to_string() + " " + std::string(dtype_name(tensor.dtype())) +
        " needs " + std::to_string(tensor.byte_size()));
  }
  std::memcpy(tensor.data(), proto.tensor_content().data(), tensor.byte_size());
  return tensor;
}

}  // namespace cairn
