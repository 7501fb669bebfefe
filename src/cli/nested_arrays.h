// Internal to cli: walks a tensor's elements as nested arrays (one level per
// axis, row-major), the shape both `inspect` and the SavedModel commands
// print values in. The walk keeps its position in a vector, not on the call
// stack, so no rank can overflow the stack.
//
//   struct Text {
//     std::string out;
//     void open() { out += '['; }
//     void close() { out += ']'; }
//     void separator() { out += ", "; }
//     void element(int64_t i) { out += std::to_string(values[i]); }
//   } text;
//   walk_nested(tensor.shape(), 0, 0, text);   // "[[1, 2], [3, 4]]"
#pragma once

#include <cstdint>
#include <vector>

#include "cairn/core/tensor_shape.h"

namespace cairn::cli {

// Calls v.open() on entering each array of axes [first_axis, rank),
// v.separator() between two items of one array, v.element(i) for flat
// element i (counting from `first_element`) and v.close() on leaving an
// array. With first_axis == rank, only v.element(first_element).
template <typename Visitor>
void walk_nested(const TensorShape& shape, int first_axis, int64_t first_element, Visitor& v) {
  const int rank = shape.rank();
  if (first_axis >= rank) {
    v.element(first_element);
    return;
  }
  std::vector<int64_t> next(static_cast<size_t>(rank), 0);  // next item at each open axis
  int64_t flat = first_element;
  int axis = first_axis;
  v.open();
  while (true) {
    int64_t& item = next[static_cast<size_t>(axis)];
    if (item == shape.dim(axis)) {
      v.close();
      if (axis == first_axis) return;
      --axis;
      continue;
    }
    if (item++ > 0) v.separator();
    if (axis + 1 == rank) {
      v.element(flat++);
    } else {
      next[static_cast<size_t>(++axis)] = 0;
      v.open();
    }
  }
}

}  // namespace cairn::cli
