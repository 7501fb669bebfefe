// KernelContext's helpers and the kernel table.
#include "serving/kernel.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "cairn/core/errors.h"

namespace cairn::serving::internal {

Result<TensorSize> MemoryBudget::take(DType dtype, const TensorShape& shape) {
  CAIRN_ASSIGN_OR_RETURN(TensorSize size, tensor_size(dtype, shape, remaining()));
  used_ += size.bytes;
  return size;
}

Result<Tensor> KernelContext::output(DType dtype, TensorShape shape) const {
  if (auto size = budget.take(dtype, shape); !size.ok()) return failed(size.status());
  try {
    return Tensor(dtype, std::move(shape));
  } catch (const Error& e) {  // the allocation failed
    return failed(Status(e.code(), e.what()));
  }
}

Result<Tensor> KernelContext::copy(const Tensor& source) const {
  return reshaped(source, source.shape());
}

Result<Tensor> KernelContext::reshaped(const Tensor& source, TensorShape shape) const {
  CAIRN_ASSIGN_OR_RETURN(Tensor out, output(source.dtype(), std::move(shape)));
  if (source.dtype() == DType::kString || source.dtype() == DType::kResource) {  // handles
    out.strings() = source.strings();
  } else if (source.byte_size() > 0) {
    std::memcpy(out.data(), source.data(), source.byte_size());
  }
  return out;
}

Status KernelContext::invalid(const std::string& message) const {
  return invalid_argument_error("node '" + node.name() + "' (" + node.op() + "): " + message);
}

Status KernelContext::failed(const Status& error) const {
  std::string message = "node '" + node.name() + "' (" + node.op() + "): " + error.message();
  if (error.code() == StatusCode::kResourceExhausted) {
    message += "; a run may compute at most " + std::to_string(budget.limit()) +
               " bytes of tensors (LoadOptions::max_run_bytes), " +
               std::to_string(budget.remaining()) + " of them are left";
  }
  return Status(error.code(), std::move(message));
}

Status KernelContext::expect_inputs(size_t n) const {
  if (inputs.size() == n) return ok_status();
  return invalid("expects " + std::to_string(n) + " inputs, has " + std::to_string(inputs.size()));
}

Status KernelContext::expect_at_least(size_t n) const {
  if (inputs.size() >= n) return ok_status();
  return invalid("expects at least " + std::to_string(n) + " inputs, has " +
                 std::to_string(inputs.size()));
}

const tensorflow::AttrValue* KernelContext::attr(const std::string& name) const {
  auto it = node.attr().find(name);
  return it == node.attr().end() ? nullptr : &it->second;
}

Result<DType> KernelContext::type_attr(const std::string& name, DType fallback) const {
  const tensorflow::AttrValue* a = attr(name);
  if (a == nullptr) {
    if (fallback != DType::kInvalid) return fallback;
    return invalid("has no attr '" + name + "'");
  }
  const int raw = static_cast<int>(a->type());
  if (!is_known_dtype(raw) || raw == static_cast<int>(DType::kVariant)) {
    return Status(StatusCode::kUnimplemented, "node '" + node.name() + "' (" + node.op() +
                                                  "): DataType " + std::to_string(raw) +
                                                  " is not supported");
  }
  return static_cast<DType>(raw);
}

bool KernelContext::bool_attr(const std::string& name, bool fallback) const {
  const tensorflow::AttrValue* a = attr(name);
  return a == nullptr ? fallback : a->b();
}

std::vector<int64_t> KernelContext::int_list_attr(const std::string& name) const {
  const tensorflow::AttrValue* a = attr(name);
  if (a == nullptr) return {};
  return {a->list().i().begin(), a->list().i().end()};
}

Result<std::vector<int64_t>> KernelContext::int_values(size_t i) const {
  const Tensor& t = *inputs[i];
  if (t.shape().rank() > 1 || (t.dtype() != DType::kInt32 && t.dtype() != DType::kInt64)) {
    return invalid("input " + std::to_string(i) +
                   " must be an int32 or int64 scalar or vector, not " +
                   std::string(dtype_name(t.dtype())) + " " + t.shape().to_string());
  }
  std::vector<int64_t> out;
  for (int64_t k = 0; k < t.num_elements(); ++k) {
    out.push_back(t.dtype() == DType::kInt32 ? t.flat<int32_t>()[static_cast<size_t>(k)]
                                             : t.flat<int64_t>()[static_cast<size_t>(k)]);
  }
  return out;
}

Kernel find_kernel(const std::string& op) {
  static const KernelTable table = [] {
    KernelTable t;
    register_array_kernels(t);
    register_math_kernels(t);
    register_nn_kernels(t);
    register_resource_kernels(t);
    register_shape_kernels(t);
    register_slicing_kernels(t);
    register_compare_kernels(t);
    register_reduce_kernels(t);
    register_elementwise_kernels(t);
    register_conv_kernels(t);
    register_pool_kernels(t);
    register_batch_kernels(t);
    register_einsum_kernels(t);
    return t;
  }();
  auto it = table.find(op);
  return it == table.end() ? nullptr : it->second;
}

int num_outputs(const tensorflow::NodeDef& node) {
  const std::string& op = node.op();
  if (op == "NoOp" || op == "Assert") return 0;
  if (op == "FusedBatchNormV3") return 6;
  if (op == "FusedBatchNorm" || op == "FusedBatchNormV2") return 5;
  if (op == "Unpack") {
    auto num = node.attr().find("num");
    if (num == node.attr().end()) return 0;
    return static_cast<int>(
        std::clamp<int64_t>(num->second.i(), 0, std::numeric_limits<int>::max()));
  }
  return 1;
}

int64_t normalize_axis(int64_t n, int64_t rank) {
  if (n < -rank || n >= rank) return -1;
  return n < 0 ? n + rank : n;
}

}  // namespace cairn::serving::internal
