// Keeping the replicas of a data-parallel model equal: one broadcast of
// rank 0's values at the start, one all-reduce of the weighted gradients
// per step. A group of one skips both, so one process trains exactly as it
// did before groups existed.
#include "cairn/nn/data_parallel.h"

#include <cstring>
#include <vector>

#include "cairn/core/errors.h"

namespace cairn::nn {
namespace {

size_t total_bytes(const VariableRefs& variables) {
  size_t bytes = 0;
  for (const Variable* v : variables) {
    if (v->value.dtype() == DType::kString) {
      throw InvalidArgumentError("broadcast_values: variable " + v->name +
                                 " holds strings; only fixed-width tensors are broadcast");
    }
    bytes += v->value.byte_size();
  }
  return bytes;
}

// The gradients the all-reduce carries: trainable variables only.
size_t gradient_elements(const VariableRefs& variables) {
  size_t elements = 0;
  for (const Variable* v : variables) {
    if (!v->trainable) continue;
    if (v->gradient.dtype() != DType::kFloat32 || v->gradient.shape() != v->value.shape()) {
      throw InternalError("all_reduce_gradients: variable " + v->name + " has a " +
                          std::string(dtype_name(v->gradient.dtype())) + " gradient of shape " +
                          v->gradient.shape().to_string() + "; expected float32 of shape " +
                          v->value.shape().to_string() + " (was backward() run?)");
    }
    elements += static_cast<size_t>(v->gradient.num_elements());
  }
  return elements;
}

}  // namespace

void broadcast_values(ProcessGroup& group, const VariableRefs& variables, const std::string& what) {
  if (group.size() == 1) return;
  const size_t expected = total_bytes(variables);
  std::string bytes;
  if (group.is_chief()) {
    bytes.reserve(expected);
    for (const Variable* v : variables) {
      bytes.append(reinterpret_cast<const char*>(v->value.data()), v->value.byte_size());
    }
  }
  group.broadcast(bytes, 0, what);
  if (bytes.size() != expected) {
    throw FailedPreconditionError(what + ": rank 0 sent " + std::to_string(bytes.size()) +
                                  " bytes of variables; rank " + std::to_string(group.rank()) +
                                  "'s " + std::to_string(variables.size()) + " variables hold " +
                                  std::to_string(expected) + " (the ranks built different models)");
  }
  size_t offset = 0;
  for (Variable* v : variables) {
    std::memcpy(v->value.data(), bytes.data() + offset, v->value.byte_size());
    offset += v->value.byte_size();
  }
}

void all_reduce_gradients(ProcessGroup& group, const VariableRefs& variables, float weight,
                          std::span<float> extras, const std::string& what) {
  if (group.size() == 1) return;
  // One flat buffer: the gradients in variable order, then the extras.
  std::vector<float> flat;
  flat.reserve(gradient_elements(variables) + extras.size());
  for (const Variable* v : variables) {
    if (!v->trainable) continue;
    for (float g : v->gradient.flat<float>()) flat.push_back(weight * g);
  }
  flat.insert(flat.end(), extras.begin(), extras.end());
  group.all_reduce_sum(flat, what);
  const float* next = flat.data();
  for (Variable* v : variables) {
    if (!v->trainable) continue;
    std::span<float> gradient = v->gradient.flat<float>();
    std::memcpy(gradient.data(), next, gradient.size_bytes());
    next += gradient.size();
  }
  std::memcpy(extras.data(), next, extras.size_bytes());
}

}  // namespace cairn::nn
