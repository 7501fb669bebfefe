// numpy broadcasting: shapes aligned on their last axes.
#include "serving/broadcast.h"

#include <algorithm>

namespace cairn::serving::internal {
namespace {

// Size of `s` on output axis `k` of a rank-`rank` output (1 when s lacks it).
int64_t aligned_dim(const TensorShape& s, size_t k, size_t rank) {
  const size_t r = static_cast<size_t>(s.rank());
  return k + r >= rank ? s.dim(static_cast<int>(k + r - rank)) : 1;
}

std::string shape_list(const std::vector<const TensorShape*>& shapes) {
  std::string out;
  for (const TensorShape* s : shapes) out += (out.empty() ? "" : " with ") + s->to_string();
  return out;
}

}  // namespace

Result<std::vector<int64_t>> broadcast_dims(const KernelContext& ctx,
                                            const std::vector<const TensorShape*>& shapes) {
  size_t rank = 0;
  for (const TensorShape* s : shapes) rank = std::max(rank, static_cast<size_t>(s->rank()));
  std::vector<int64_t> dims(rank, 1);
  for (size_t k = 0; k < rank; ++k) {
    for (const TensorShape* s : shapes) {
      const int64_t d = aligned_dim(*s, k, rank);
      if (d != dims[k] && d != 1 && dims[k] != 1) {
        return ctx.invalid("cannot broadcast " + shape_list(shapes));
      }
      if (d != 1) dims[k] = d;
    }
  }
  return dims;
}

BroadcastWalk::BroadcastWalk(const std::vector<int64_t>& dims,
                             const std::vector<const TensorShape*>& shapes)
    : dims_(dims), index_(dims.size(), 0), offsets_(shapes.size(), 0) {
  const size_t rank = dims.size();
  for (const TensorShape* s : shapes) {
    std::vector<int64_t> strides(rank, 0);
    int64_t stride = 1;
    for (size_t k = rank; k-- > 0;) {
      const int64_t d = aligned_dim(*s, k, rank);
      strides[k] = d == 1 ? 0 : stride;
      stride *= d;
    }
    strides_.push_back(std::move(strides));
  }
}

void BroadcastWalk::next() {
  for (size_t d = dims_.size(); d-- > 0;) {
    for (size_t k = 0; k < offsets_.size(); ++k) offsets_[k] += strides_[k][d];
    if (++index_[d] < dims_[d]) return;
    for (size_t k = 0; k < offsets_.size(); ++k) offsets_[k] -= strides_[k][d] * dims_[d];
    index_[d] = 0;
  }
}

}  // namespace cairn::serving::internal
