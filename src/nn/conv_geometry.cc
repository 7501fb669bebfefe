#include "cairn/nn/conv_geometry.h"

#include <algorithm>
#include <cstring>

namespace cairn::nn {

std::optional<Padding> padding_from_name(std::string_view name) {
  if (name == "valid") return Padding::kValid;
  if (name == "same") return Padding::kSame;
  if (name == "causal") return Padding::kCausal;
  return std::nullopt;
}

std::string_view padding_name(Padding p) {
  switch (p) {
    case Padding::kValid:
      return "valid";
    case Padding::kSame:
      return "same";
    case Padding::kCausal:
      return "causal";
  }
  return "valid";
}

ConvAxis conv_axis(const ConvAxisOptions& o) {
  ConvAxis a{.input = o.input, .kernel = o.kernel, .stride = o.stride, .dilation = o.dilation};
  const int64_t span = a.span();
  if (o.padding == Padding::kValid) {
    a.output = o.input >= span ? (o.input - span) / o.stride + 1 : 0;
  } else {
    // "same" and "causal" both give ceil(input / stride) positions.
    a.output = (o.input + o.stride - 1) / o.stride;
    const int64_t total = std::max<int64_t>((a.output - 1) * o.stride + span - o.input, 0);
    a.pad_before = o.padding == Padding::kSame ? total / 2 : span - 1;
  }
  return a;
}

namespace {

// Calls visit(row of the patch matrix, offset in the patch, offset in the
// sample, floats) for every run of consecutive floats a patch copies from the
// sample: with dilation 1 a kernel row's taps inside the input are one run
// (kw * channels floats), else each tap is a run of `channels`.
template <class Visit>
void for_each_patch_span(const ConvGeometry& g, Visit visit) {
  const int64_t c = g.channels, kw = g.width.kernel;
  const bool contiguous = g.width.dilation == 1;
  for (int64_t oy = 0; oy < g.height.output; ++oy) {
    for (int64_t ox = 0; ox < g.width.output; ++ox) {
      const int64_t row = oy * g.width.output + ox;
      const int64_t ix0 = ox * g.width.stride - g.width.pad_before;
      for (int64_t ky = 0; ky < g.height.kernel; ++ky) {
        const int64_t iy = oy * g.height.stride - g.height.pad_before + ky * g.height.dilation;
        if (iy < 0 || iy >= g.height.input) continue;
        if (contiguous) {
          const int64_t first = std::max<int64_t>(0, -ix0);
          const int64_t last = std::min<int64_t>(kw, g.width.input - ix0);
          if (first < last) {
            visit(row, (ky * kw + first) * c, (iy * g.width.input + ix0 + first) * c,
                  (last - first) * c);
          }
          continue;
        }
        for (int64_t kx = 0; kx < kw; ++kx) {
          const int64_t ix = ix0 + kx * g.width.dilation;
          if (ix < 0 || ix >= g.width.input) continue;
          visit(row, (ky * kw + kx) * c, (iy * g.width.input + ix) * c, c);
        }
      }
    }
  }
}

// Copies a patch's run of n floats. Runs are short for images of a few
// channels (3 floats for a 3x3 kernel on one channel), where a call to
// memcpy costs more than the copy: those are copied 4 floats at a time by
// fixed-size copies (single moves), and the last 0-3 one by one, written out
// so that the compiler cannot turn them back into a memcpy call.
void copy_run(float* to, const float* from, int64_t n) {
  if (n > 16) {
    std::memcpy(to, from, static_cast<size_t>(n) * sizeof(float));
    return;
  }
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) std::memcpy(to + i, from + i, 4 * sizeof(float));
  switch (n - i) {
    case 3:
      to[i + 2] = from[i + 2];
      [[fallthrough]];
    case 2:
      to[i + 1] = from[i + 1];
      [[fallthrough]];
    case 1:
      to[i] = from[i];
      [[fallthrough]];
    default:
      break;
  }
}

// Whether every window along `a` lies inside the input: no tap reads padding.
bool windows_inside(const ConvAxis& a) {
  return a.pad_before == 0 && (a.output - 1) * a.stride + a.span() <= a.input;
}

// im2col of one sample when no window reaches into padding and taps along
// the width are adjacent (dilation 1): each kernel row of a patch is one run,
// at a fixed step from the last position's, with no bounds to check.
void im2col_inside(const ConvGeometry& g, const float* sample, float* patches) {
  const int64_t c = g.channels, run = g.width.kernel * c, patch = g.patch_size();
  const int64_t step = g.width.stride * c, out_w = g.width.output;
  for (int64_t oy = 0; oy < g.height.output; ++oy) {
    for (int64_t ky = 0; ky < g.height.kernel; ++ky) {
      const int64_t iy = oy * g.height.stride + ky * g.height.dilation;
      const float* from = sample + iy * g.width.input * c;
      float* to = patches + oy * out_w * patch + ky * run;
      for (int64_t ox = 0; ox < out_w; ++ox) copy_run(to + ox * patch, from + ox * step, run);
    }
  }
}

}  // namespace

void im2col(const ConvGeometry& g, const Matrix& x, Matrix& cols) {
  im2col(g, x, 0, x.rows(), cols);
}

void im2col(const ConvGeometry& g, const Matrix& x, Eigen::Index first, Eigen::Index count,
            Matrix& cols) {
  const int64_t positions = g.positions(), patch = g.patch_size();
  resize_with_huge_pages(cols, count * positions, patch);
  // Every float of a patch is copied unless a window reaches into padding:
  // only then do the zeros of the padding need writing.
  const bool inside = windows_inside(g.height) && windows_inside(g.width);
  if (!inside) cols.setZero();
  for (Eigen::Index b = 0; b < count; ++b) {
    const float* sample = x.data() + (first + b) * x.cols();
    float* patches = cols.data() + b * positions * patch;
    if (inside && g.width.dilation == 1) {
      im2col_inside(g, sample, patches);
      continue;
    }
    for_each_patch_span(g, [&](int64_t row, int64_t in_patch, int64_t in_sample, int64_t n) {
      copy_run(patches + row * patch + in_patch, sample + in_sample, n);
    });
  }
}

void col2im(const ConvGeometry& g, const Matrix& dcols, Matrix& dx) {
  const Eigen::Index batch = dcols.rows() / std::max<int64_t>(g.positions(), 1);
  resize_with_huge_pages(dx, batch, g.input_size());
  col2im(g, dcols, 0, dx);
}

void col2im(const ConvGeometry& g, const Matrix& dcols, Eigen::Index first, Matrix& dx) {
  const int64_t positions = g.positions(), patch = g.patch_size();
  const Eigen::Index count = dcols.rows() / std::max<int64_t>(positions, 1);
  dx.middleRows(first, count).setZero();
  for (Eigen::Index b = 0; b < count; ++b) {
    float* sample = dx.data() + (first + b) * dx.cols();
    const float* patches = dcols.data() + b * positions * patch;
    for_each_patch_span(g, [&](int64_t row, int64_t in_patch, int64_t in_sample, int64_t n) {
      const float* from = patches + row * patch + in_patch;
      float* to = sample + in_sample;
      for (int64_t i = 0; i < n; ++i) to[i] += from[i];
    });
  }
}

}  // namespace cairn::nn
