#include "cairn/nn/upsampling2d.h"

#include <cstring>

namespace cairn::nn {

namespace {

// Calls visit(offset of an input pixel, offset of an output pixel it fills)
// for every output pixel of one sample; a pixel is `channels` floats.
template <class Visit>
void for_each_output_pixel(const Upsampling2D& u, Visit visit) {
  const int64_t out_w = u.width * u.size_w;
  for (int64_t oy = 0; oy < u.height * u.size_h; ++oy) {
    const int64_t iy = oy / u.size_h;
    for (int64_t ox = 0; ox < out_w; ++ox) {
      visit((iy * u.width + ox / u.size_w) * u.channels, (oy * out_w + ox) * u.channels);
    }
  }
}

}  // namespace

void upsample_nearest(const Upsampling2D& u, const Matrix& x, Matrix& y) {
  resize_with_huge_pages(y, x.rows(), u.output_size());
  const size_t bytes = static_cast<size_t>(u.channels) * sizeof(float);
  for (Eigen::Index n = 0; n < x.rows(); ++n) {
    const float* from = x.data() + n * x.cols();
    float* to = y.data() + n * y.cols();
    for_each_output_pixel(
        u, [&](int64_t in, int64_t out) { std::memcpy(to + out, from + in, bytes); });
  }
}

void upsample_nearest_backward(const Upsampling2D& u, const Matrix& dy, Matrix& dx) {
  resize_with_huge_pages(dx, dy.rows(), u.input_size());
  dx.setZero();
  for (Eigen::Index n = 0; n < dy.rows(); ++n) {
    const float* from = dy.data() + n * dy.cols();
    float* to = dx.data() + n * dx.cols();
    for_each_output_pixel(u, [&](int64_t in, int64_t out) {
      for (int64_t c = 0; c < u.channels; ++c) to[in + c] += from[out + c];
    });
  }
}

}  // namespace cairn::nn
