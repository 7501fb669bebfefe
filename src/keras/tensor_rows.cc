#include "keras/tensor_rows.h"

#include <cstring>

#include "cairn/core/errors.h"

namespace cairn::keras::internal {

nn::Matrix rows_of(const Tensor& t, const std::string& what) {
  if (t.shape().rank() < 1) throw InvalidArgumentError(what + " must have a samples dimension");
  if (t.dtype() == DType::kString)
    throw InvalidArgumentError(what + " must be numeric, got strings");
  const int64_t samples = t.shape().dim(0);
  const int64_t features = samples > 0 ? t.num_elements() / samples : 0;
  nn::Matrix m(samples, t.shape().rank() == 1 ? 1 : features);
  if (t.dtype() == DType::kFloat32) {
    std::memcpy(m.data(), t.data(), t.byte_size());
  } else {
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      m.data()[i] = static_cast<float>(t.element_as_double(i));
    }
  }
  return m;
}

Shape sample_shape(const Tensor& t) {
  Shape shape;
  for (int i = 1; i < t.shape().rank(); ++i) shape.push_back(t.shape().dim(i));
  return shape;
}

nn::Matrix gather_rows(const nn::Matrix& m, const std::vector<int64_t>& indices, size_t begin,
                       size_t end) {
  nn::Matrix out(static_cast<Eigen::Index>(end - begin), m.cols());
  for (size_t i = begin; i < end; ++i) {
    out.row(static_cast<Eigen::Index>(i - begin)) = m.row(indices[i]);
  }
  return out;
}

const nn::Matrix& regroup_rows(const nn::Matrix& m, Eigen::Index rows, nn::Matrix& out) {
  if (m.size() == 0) return m;
  out = Eigen::Map<const nn::Matrix>(m.data(), rows, m.size() / rows);
  return out;
}

Tensor tensor_of(const nn::Matrix& rows, const Shape& shape) {
  std::vector<int64_t> dims{rows.rows()};
  dims.insert(dims.end(), shape.begin(), shape.end());
  Tensor t(DType::kFloat32, TensorShape(dims));
  std::memcpy(t.data(), rows.data(), t.byte_size());
  return t;
}

}  // namespace cairn::keras::internal
