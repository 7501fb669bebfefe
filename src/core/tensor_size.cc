#include "cairn/core/tensor_size.h"

#include <limits>
#include <string>

namespace cairn {
namespace {

Status check_dims(const TensorShape& shape) {
  if (shape.rank() > kMaxRank) {
    return invalid_argument_error("shape " + shape.to_string() + " has " +
                                  std::to_string(shape.rank()) + " dimensions, more than the " +
                                  std::to_string(kMaxRank) + " a tensor may have");
  }
  for (int64_t d : shape.dims()) {
    if (d < 0) {
      return invalid_argument_error("shape " + shape.to_string() + " has a negative dimension");
    }
  }
  return ok_status();
}

std::string described(DType dtype, const TensorShape& shape) {
  return std::string(dtype_name(dtype)) + " " + shape.to_string();
}

}  // namespace

int64_t element_bytes(DType dtype) {
  if (dtype == DType::kString) return static_cast<int64_t>(sizeof(std::string));
  return static_cast<int64_t>(dtype_size(dtype));
}

Result<TensorSize> tensor_size(DType dtype, const TensorShape& shape, int64_t max_bytes) {
  CAIRN_RETURN_IF_ERROR(check_dims(shape));
  const int64_t elements = shape.checked_num_elements(std::numeric_limits<int64_t>::max());
  if (elements < 0) {
    return resource_exhausted_error(described(dtype, shape) +
                                    " has more elements than an int64 can count");
  }
  const int64_t width = element_bytes(dtype);
  if (width > 0 && elements > max_bytes / width) {
    return resource_exhausted_error(described(dtype, shape) + " needs " + std::to_string(elements) +
                                    " x " + std::to_string(width) +
                                    " bytes, more than the limit of " + std::to_string(max_bytes) +
                                    " bytes");
  }
  return TensorSize{elements, elements * width};
}

}  // namespace cairn
