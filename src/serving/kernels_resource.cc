// Kernels of TensorFlow 2's resource variables (VarHandleOp, ReadVariableOp,
// AssignVariableOp, AssignAddVariableOp, AssignSubVariableOp,
// VarIsInitializedOp) on the run's VariableStore, and IdentityN, which
// tf.function bodies use to pass several tensors (handles too) at once.
#include "serving/resource_variables.h"

namespace cairn::serving::internal {
namespace {

using Outputs = Result<std::vector<Tensor>>;

Result<VariableStore*> store_of(const KernelContext& ctx) {
  if (ctx.resources == nullptr) return ctx.invalid("the graph has no resource variables");
  return ctx.resources;
}

// The variable name of input `i`, a handle.
Result<std::string> variable_of(const KernelContext& ctx, size_t i) {
  auto name = handle_name(*ctx.inputs[i]);
  if (!name.ok()) return ctx.invalid("input " + std::to_string(i) + " " + name.status().message());
  return name;
}

Outputs var_handle(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(0));
  return std::vector<Tensor>{resource_handle(variable_name(ctx.node))};
}

Status expect_dtype(const KernelContext& ctx, const std::string& variable, DType have) {
  CAIRN_ASSIGN_OR_RETURN(DType want, ctx.type_attr("dtype"));
  if (have == want) return ok_status();
  return ctx.invalid("variable '" + variable + "' holds " + std::string(dtype_name(have)) +
                     ", the node expects " + std::string(dtype_name(want)));
}

Outputs read_variable(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  CAIRN_ASSIGN_OR_RETURN(VariableStore * store, store_of(ctx));
  CAIRN_ASSIGN_OR_RETURN(std::string name, variable_of(ctx, 0));
  CAIRN_ASSIGN_OR_RETURN(Tensor value, store->read(name, ctx));
  CAIRN_RETURN_IF_ERROR(expect_dtype(ctx, name, value.dtype()));
  return std::vector<Tensor>{std::move(value)};
}

Outputs assign_variable(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  CAIRN_ASSIGN_OR_RETURN(VariableStore * store, store_of(ctx));
  CAIRN_ASSIGN_OR_RETURN(std::string name, variable_of(ctx, 0));
  CAIRN_RETURN_IF_ERROR(expect_dtype(ctx, name, ctx.inputs[1]->dtype()));
  CAIRN_ASSIGN_OR_RETURN(Tensor value, ctx.copy(*ctx.inputs[1]));
  CAIRN_RETURN_IF_ERROR(store->assign(name, std::move(value), ctx));
  return std::vector<Tensor>{};
}

// value += delta (kSign 1) or value -= delta (kSign -1), of one shape.
template <int kSign>
Outputs update_variable(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(2));
  CAIRN_ASSIGN_OR_RETURN(VariableStore * store, store_of(ctx));
  CAIRN_ASSIGN_OR_RETURN(std::string name, variable_of(ctx, 0));
  const Tensor& delta = *ctx.inputs[1];
  CAIRN_RETURN_IF_ERROR(expect_dtype(ctx, name, delta.dtype()));
  auto update = [&](Tensor& value) -> Status {
    CAIRN_RETURN_IF_ERROR(expect_dtype(ctx, name, value.dtype()));
    if (value.shape() != delta.shape()) {
      return ctx.invalid("cannot update variable '" + name + "' of shape " +
                         value.shape().to_string() + " by a tensor of shape " +
                         delta.shape().to_string() + "; the shapes must be equal");
    }
    return visit_numeric(ctx, value.dtype(), [&]<typename T>() -> Status {
      auto out = value.flat<T>();
      auto in = delta.flat<T>();
      for (size_t i = 0; i < out.size(); ++i) {
        out[i] = kSign > 0 ? static_cast<T>(out[i] + in[i]) : static_cast<T>(out[i] - in[i]);
      }
      return ok_status();
    });
  };
  CAIRN_RETURN_IF_ERROR(store->update(name, ctx, update));
  return std::vector<Tensor>{};
}

Outputs var_is_initialized(const KernelContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.expect_inputs(1));
  CAIRN_ASSIGN_OR_RETURN(VariableStore * store, store_of(ctx));
  CAIRN_ASSIGN_OR_RETURN(std::string name, variable_of(ctx, 0));
  CAIRN_ASSIGN_OR_RETURN(Tensor out, ctx.output(DType::kBool, TensorShape{}));
  out.flat<bool>()[0] = store->contains(name);
  return std::vector<Tensor>{std::move(out)};
}

Outputs identity_n(const KernelContext& ctx) {
  std::vector<Tensor> out;
  for (const Tensor* input : ctx.inputs) {
    CAIRN_ASSIGN_OR_RETURN(Tensor copy, ctx.copy(*input));
    out.push_back(std::move(copy));
  }
  return out;
}

}  // namespace

void register_resource_kernels(KernelTable& table) {
  table["VarHandleOp"] = var_handle;
  table["ReadVariableOp"] = read_variable;
  table["AssignVariableOp"] = assign_variable;
  table["AssignAddVariableOp"] = update_variable<1>;
  table["AssignSubVariableOp"] = update_variable<-1>;
  table["VarIsInitializedOp"] = var_is_initialized;
  table["IdentityN"] = identity_n;
}

}  // namespace cairn::serving::internal
