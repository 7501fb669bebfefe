#include "cairn/checkpoint/checkpoint_diff.h"

#include <cmath>
#include <limits>

namespace cairn {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The sums behind the numbers of checkpoint_diff.h, one element pair at a time.
class DifferenceSums {
 public:
  void add(double a, double b) {
    if (std::isnan(a) && std::isnan(b)) return;  // the same NaN place: equal
    const double d = distance(a, b);
    if (d != 0) ++changed_;
    max_ = std::max(max_, d);
    sum_abs_ += d;
    sum_squared_diff_ += d * d;
    if (!std::isnan(a)) sum_squared_a_ += a * a;
  }

  void fill(int64_t elements, TensorComparison& out) const {
    out.max_abs_diff = max_;
    out.mean_abs_diff = elements == 0 ? 0 : sum_abs_ / static_cast<double>(elements);
    out.elements_changed = changed_;
    if (sum_squared_diff_ == 0) {
      out.relative_change = 0;
    } else {
      out.relative_change = sum_squared_a_ == 0
                                ? kInfinity
                                : std::sqrt(sum_squared_diff_) / std::sqrt(sum_squared_a_);
    }
  }

 private:
  // |a - b|, with equal infinities 0 apart and a NaN infinitely far from a number.
  static double distance(double a, double b) {
    if (a == b) return 0;
    if (std::isnan(a) || std::isnan(b)) return kInfinity;
    return std::fabs(a - b);
  }

  double max_ = 0;
  double sum_abs_ = 0;
  double sum_squared_diff_ = 0;
  double sum_squared_a_ = 0;
  int64_t changed_ = 0;
};

// Compared as numbers: numeric and bool tensors, not strings, not the slices
// of a partitioned variable (which hold no bytes of their own).
bool compared_as_numbers(const CheckpointReader& reader, const VariableInfo& v) {
  return has_math(v.dtype) && v.dtype != DType::kString && !reader.bundle().find(v.name)->is_sliced;
}

TensorComparison compare_numbers(const CheckpointReader& a, const CheckpointReader& b,
                                 const VariableInfo& v) {
  TensorComparison out{.name = v.name, .dtype = v.dtype, .shape = v.shape, .numeric = true};
  const Tensor ta = a.get_tensor(v.name);
  const Tensor tb = b.get_tensor(v.name);
  out.identical = ta == tb;
  DifferenceSums sums;
  for (int64_t i = 0; i < ta.num_elements(); ++i) {
    sums.add(ta.element_as_double(i), tb.element_as_double(i));
  }
  sums.fill(ta.num_elements(), out);
  return out;
}

TensorComparison compare_bytes(const CheckpointReader& a, const CheckpointReader& b,
                               const VariableInfo& v) {
  TensorComparison out{.name = v.name, .dtype = v.dtype, .shape = v.shape};
  out.identical =
      value_or_throw(a.bundle().read_raw(v.name)) == value_or_throw(b.bundle().read_raw(v.name));
  return out;
}

// A tensor of one name in both checkpoints, into the list it belongs to.
void compare_common(const CheckpointReader& a, const CheckpointReader& b, const VariableInfo& va,
                    const VariableInfo& vb, CheckpointDiff& out) {
  if (va.dtype != vb.dtype || va.shape != vb.shape) {
    out.type_changes.push_back({.name = va.name, .a = va, .b = vb});
  } else if (compared_as_numbers(a, va)) {
    out.compared.push_back(compare_numbers(a, b, va));
  } else {
    out.compared.push_back(compare_bytes(a, b, va));
  }
}

}  // namespace

bool TensorComparison::within(double tolerance) const {
  return identical || (numeric && max_abs_diff <= tolerance);
}

bool CheckpointDiff::differs(double tolerance) const {
  if (!only_in_a.empty() || !only_in_b.empty() || !type_changes.empty()) return true;
  for (const TensorComparison& c : compared) {
    if (!c.within(tolerance)) return true;
  }
  return false;
}

CheckpointDiff diff_checkpoints(const std::string& a, const std::string& b, FileSystem& fs) {
  const CheckpointReader reader_a(a, fs);
  const CheckpointReader reader_b(b, fs);
  CheckpointDiff out{.prefix_a = reader_a.prefix(), .prefix_b = reader_b.prefix()};
  const std::vector<VariableInfo> in_a = reader_a.list_variables();  // sorted by name
  const std::vector<VariableInfo> in_b = reader_b.list_variables();
  size_t i = 0, j = 0;
  while (i < in_a.size() || j < in_b.size()) {
    if (j == in_b.size() || (i < in_a.size() && in_a[i].name < in_b[j].name)) {
      out.only_in_a.push_back(in_a[i++]);
    } else if (i == in_a.size() || in_b[j].name < in_a[i].name) {
      out.only_in_b.push_back(in_b[j++]);
    } else {
      compare_common(reader_a, reader_b, in_a[i++], in_b[j++], out);
    }
  }
  return out;
}

}  // namespace cairn
