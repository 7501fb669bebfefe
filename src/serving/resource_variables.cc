// Resource handles and the VariableStore.
#include "serving/resource_variables.h"

namespace cairn::serving::internal {
namespace {

Status uninitialized(const std::string& name, const KernelContext& ctx) {
  return ctx.failed(failed_precondition_error(
      "variable '" + name +
      "' holds no value (it is not among the SavedModel's restored variables)"));
}

}  // namespace

std::string variable_name(const tensorflow::NodeDef& var_handle) {
  auto shared = var_handle.attr().find("shared_name");
  if (shared == var_handle.attr().end() || shared->second.s().empty()) return var_handle.name();
  return shared->second.s();
}

Tensor resource_handle(const std::string& name) {
  Tensor handle(DType::kResource, TensorShape{});
  handle.strings() = {name};
  return handle;
}

Result<std::string> handle_name(const Tensor& handle) {
  if (handle.dtype() != DType::kResource || handle.shape().rank() != 0 ||
      handle.strings().size() != 1) {
    return invalid_argument_error("expects a resource handle (a scalar DT_RESOURCE), not " +
                                  std::string(dtype_name(handle.dtype())) + " " +
                                  handle.shape().to_string());
  }
  return handle.strings()[0];
}

Result<Tensor> VariableStore::read(const std::string& name, const KernelContext& ctx) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(name);
  if (it == values_.end()) return uninitialized(name, ctx);
  return ctx.copy(it->second);
}

Status VariableStore::assign(const std::string& name, Tensor value, const KernelContext& ctx) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(name);
  if (it == values_.end()) {
    values_.emplace(name, std::move(value));
    return ok_status();
  }
  if (it->second.dtype() != value.dtype()) {
    return ctx.invalid("cannot assign a " + std::string(dtype_name(value.dtype())) +
                       " value to variable '" + name + "', which holds " +
                       std::string(dtype_name(it->second.dtype())));
  }
  it->second = std::move(value);
  return ok_status();
}

Status VariableStore::update(const std::string& name, const KernelContext& ctx,
                             const std::function<Status(Tensor&)>& update) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(name);
  if (it == values_.end()) return uninitialized(name, ctx);
  return update(it->second);
}

bool VariableStore::contains(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return values_.count(name) > 0;
}

}  // namespace cairn::serving::internal
