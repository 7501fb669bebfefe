// Internal to serving: TensorFlow 2's resource variables. A VarHandleOp
// yields a handle, a scalar DT_RESOURCE tensor that carries the variable's
// name (its shared_name) as its one string; ReadVariableOp and the
// Assign*VariableOp kernels (kernels_resource.cc) look the value up in the
// VariableStore of the SavedModel, shared by all its runs, so an assignment
// lasts across runs as it does in a TensorFlow session.
//
//   VariableStore store({{"dense/kernel", kernel}});
//   Tensor handle = resource_handle("dense/kernel");
//   CAIRN_ASSIGN_OR_RETURN(std::string name, handle_name(handle));   // "dense/kernel"
//   CAIRN_ASSIGN_OR_RETURN(Tensor value, store.read(name, ctx));     // a copy, in ctx's budget
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "serving/kernel.h"

namespace cairn::serving::internal {

// The variable a VarHandleOp node names: its shared_name, or the node's
// name when that is empty (as TensorFlow names it).
std::string variable_name(const tensorflow::NodeDef& var_handle);

// A scalar DT_RESOURCE tensor naming the variable `name`.
Tensor resource_handle(const std::string& name);

// The variable `handle` names; INVALID_ARGUMENT when it is not a scalar
// resource handle (a float fed where a handle belongs).
Result<std::string> handle_name(const Tensor& handle);

// The values of a SavedModel's resource variables, by name. Thread-safe.
class VariableStore {
 public:
  VariableStore() = default;
  explicit VariableStore(std::map<std::string, Tensor> values) : values_(std::move(values)) {}

  // A copy of the variable's value whose bytes come from the run's budget
  // (ctx.copy); FAILED_PRECONDITION naming the node and the variable when
  // it holds no value (not restored, never assigned), as TensorFlow reads
  // an uninitialized variable.
  Result<Tensor> read(const std::string& name, const KernelContext& ctx) const;

  // Replaces the variable's value; INVALID_ARGUMENT naming the node when it
  // holds a value of another dtype.
  Status assign(const std::string& name, Tensor value, const KernelContext& ctx);

  // Runs `update` on the variable's value in place (AssignAddVariableOp);
  // FAILED_PRECONDITION when it holds no value.
  Status update(const std::string& name, const KernelContext& ctx,
                const std::function<Status(Tensor&)>& update);

  bool contains(const std::string& name) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Tensor> values_;
};

}  // namespace cairn::serving::internal
