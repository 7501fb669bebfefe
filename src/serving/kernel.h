// Internal to serving: the kernels of the graph interpreter. A kernel turns
// one node's input tensors into its output tensors; it reads its attrs from
// the NodeDef and reports errors that name the node and its op.
//
//   Result<std::vector<Tensor>> relu(const KernelContext& ctx) {
//     CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
//     ...
//   }
//   table["Relu"] = relu;   // in register_nn_kernels()
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/core/tensor_size.h"
#include "cairn/proto/node_def.pb.h"

namespace cairn::serving::internal {

class VariableStore;  // resource_variables.h

// The bytes of tensors one graph run may still compute. Kernels take their
// outputs' bytes from it (KernelContext::output) before allocating them.
class MemoryBudget {
 public:
  explicit MemoryBudget(int64_t limit) : limit_(limit) {}

  // Takes the bytes of a `dtype` tensor of `shape`: the error of
  // tensor_size() (cairn/core/tensor_size.h) for a bad shape or when they
  // exceed what is left, which is then still left.
  Result<TensorSize> take(DType dtype, const TensorShape& shape);

  int64_t limit() const { return limit_; }
  int64_t remaining() const { return limit_ - used_; }

 private:
  int64_t limit_;
  int64_t used_ = 0;
};

// What a kernel sees of the node it runs. References are valid for the call.
struct KernelContext {
  const tensorflow::NodeDef& node;
  std::vector<const Tensor*> inputs;               // data inputs, in order
  const std::map<std::string, Tensor>& variables;  // restored variables, by node name
  MemoryBudget& budget;                            // of the run
  VariableStore* resources = nullptr;              // resource variables, by handle name

  // Every tensor a kernel returns comes from one of these three, so its size
  // is checked and taken from the budget before it is allocated:
  // RESOURCE_EXHAUSTED "node 'n' (Op): ..." naming the shape and the run's
  // limit when it does not fit, INVALID_ARGUMENT for a negative dimension or
  // a rank over kMaxRank.
  // A zero-filled tensor of `dtype` and `shape`.
  Result<Tensor> output(DType dtype, TensorShape shape) const;
  // A copy of `source`.
  Result<Tensor> copy(const Tensor& source) const;
  // `source`'s elements, in order, in a tensor of `shape` (the caller
  // checked the element counts match): Reshape, ExpandDims, Squeeze.
  Result<Tensor> reshaped(const Tensor& source, TensorShape shape) const;

  // INVALID_ARGUMENT "node 'n' (Op): message".
  Status invalid(const std::string& message) const;
  // `error` prefixed with "node 'n' (Op): "; a RESOURCE_EXHAUSTED one also
  // says the run's limit.
  Status failed(const Status& error) const;
  // INVALID_ARGUMENT unless the node has exactly / at least `n` data inputs.
  Status expect_inputs(size_t n) const;
  Status expect_at_least(size_t n) const;

  const tensorflow::AttrValue* attr(const std::string& name) const;
  // A type attr as a DType; INVALID_ARGUMENT when absent (and no default)
  // or not a dtype cairn knows.
  Result<DType> type_attr(const std::string& name, DType fallback = DType::kInvalid) const;
  bool bool_attr(const std::string& name, bool fallback) const;
  std::vector<int64_t> int_list_attr(const std::string& name) const;
  // Input `i` as a list of integers (an int32 or int64 tensor of rank <= 1).
  Result<std::vector<int64_t>> int_values(size_t i) const;
};

using Kernel = Result<std::vector<Tensor>> (*)(const KernelContext&);
using KernelTable = std::map<std::string, Kernel>;

void register_array_kernels(KernelTable& table);        // kernels_array.cc
void register_math_kernels(KernelTable& table);         // kernels_math.cc
void register_nn_kernels(KernelTable& table);           // kernels_nn.cc
void register_shape_kernels(KernelTable& table);        // kernels_shape.cc
void register_slicing_kernels(KernelTable& table);      // kernels_slicing.cc
void register_compare_kernels(KernelTable& table);      // kernels_compare.cc
void register_reduce_kernels(KernelTable& table);       // kernels_reduce.cc
void register_elementwise_kernels(KernelTable& table);  // kernels_elementwise.cc
void register_conv_kernels(KernelTable& table);         // kernels_conv.cc
void register_pool_kernels(KernelTable& table);         // kernels_pool.cc
void register_batch_kernels(KernelTable& table);        // kernels_batch.cc
void register_einsum_kernels(KernelTable& table);       // kernels_einsum.cc

void register_resource_kernels(KernelTable& table);  // kernels_resource.cc (and IdentityN)

// The kernel of `op`, or nullptr when the interpreter does not support it.
Kernel find_kernel(const std::string& op);

// Outputs of `node`, whose op find_kernel() knows: 0 for NoOp and Assert,
// attr `num` for Unpack, 5 or 6 for the FusedBatchNorms, 1 for every other op.
int num_outputs(const tensorflow::NodeDef& node);

// Calls f.template operator()<T>() with the C++ type of `dtype`, for the
// numeric dtypes kernels compute in (float32, float64, int32, int64); else
// UNIMPLEMENTED naming ctx's node and the dtype.
template <typename F>
auto visit_numeric(const KernelContext& ctx, DType dtype, F&& f)
    -> decltype(f.template operator()<float>()) {
  switch (dtype) {
    case DType::kFloat32:
      return f.template operator()<float>();
    case DType::kFloat64:
      return f.template operator()<double>();
    case DType::kInt32:
      return f.template operator()<int32_t>();
    case DType::kInt64:
      return f.template operator()<int64_t>();
    default:
      break;
  }
  return ctx.failed(unimplemented_error("dtype " + std::string(dtype_name(dtype)) +
                                        " is not supported by cairn's graph interpreter"));
}

// visit_numeric and uint8: the real dtypes TensorFlow's arithmetic and
// comparison kernels cover.
template <typename F>
auto visit_real(const KernelContext& ctx, DType dtype, F&& f)
    -> decltype(f.template operator()<float>()) {
  if (dtype == DType::kUint8) return f.template operator()<uint8_t>();
  return visit_numeric(ctx, dtype, std::forward<F>(f));
}

// Calls f.template operator()<T>() for float32 and float64 only; else
// INVALID_ARGUMENT naming the node.
template <typename F>
auto visit_floating(const KernelContext& ctx, DType dtype, F&& f)
    -> decltype(f.template operator()<float>()) {
  if (dtype == DType::kFloat32) return f.template operator()<float>();
  if (dtype == DType::kFloat64) return f.template operator()<double>();
  return ctx.invalid("needs float32 or float64 operands, not " + std::string(dtype_name(dtype)));
}

// The node's one float input with `row_fn(std::span<T> row)` applied in place
// to each row of its last axis, in a copy: Softmax, LogSoftmax.
template <typename RowFn>
Result<std::vector<Tensor>> map_last_axis_rows(const KernelContext& ctx, RowFn&& row_fn) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  const Tensor& x = *ctx.inputs[0];
  if (x.shape().rank() < 1) return ctx.invalid("needs a tensor of rank 1 or more");
  return visit_floating(ctx, x.dtype(), [&]<typename T>() -> Result<std::vector<Tensor>> {
    CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.copy(x));
    std::span<T> values = out.flat<T>();
    const auto width = static_cast<size_t>(x.shape().dim(x.shape().rank() - 1));
    for (size_t row = 0; width > 0 && row < values.size(); row += width) {
      row_fn(values.subspan(row, width));
    }
    return std::vector<Tensor>{std::move(out)};
  });
}

// `n` as an axis of a tensor of rank `rank` (negative counts from the end);
// -1 when out of range.
int64_t normalize_axis(int64_t n, int64_t rank);

}  // namespace cairn::serving::internal
