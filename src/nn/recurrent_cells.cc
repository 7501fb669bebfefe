// One timestep of nn::Recurrent's cells (recurrent.h), forward and backward,
// as Keras's SimpleRNNCell, LSTMCell and GRUCell compute them:
//   SimpleRNN  h = act(x W + h₋ U + b)
//   LSTM       [i f g o] = [σ σ act σ](x W + h₋ U + b); c = f c₋ + i g; h = o act(c)
//   GRU        [z r] = σ(x W + h₋ U + b)_{z,r};  h = z h₋ + (1 - z) ĥ, with
//              ĥ = act(x W_h + b_h + r ⊙ (h₋ U_h + b'_h))   (reset_after)
//              ĥ = act(x W_h + b_h + (r ⊙ h₋) U_h)          (reset before)
// Rows of a masked step keep their states and get no gradient.
// An LSTM with Keras's default activations (sigmoid, tanh) runs everything of
// a step but its recurrent product as one vectorized pass over the rows
// (vector_activations.h), forward and backward; other activations go gate
// block by gate block.
#include "cairn/core/errors.h"
#include "cairn/nn/gemm.h"
#include "cairn/nn/recurrent.h"
#include "nn/recurrent_views.h"
#include "nn/vector_activations.h"

#include <utility>

namespace cairn::nn {

namespace {

// Asks for the `n` floats from p on to be brought to the L2 cache: a step's
// blocks the next step reads, which the recurrent product (compute-bound)
// leaves time to fetch from memory.
void prefetch_recurrent_block(const float* p, Eigen::Index n) {
  constexpr Eigen::Index kFloatsPerLine = 16;
  for (Eigen::Index i = 0; i < n; i += kFloatsPerLine) __builtin_prefetch(p + i, 0, 2);
}

// f over each row of the block z into the same row of out.
template <class Z, class Out>
void activate_rows(void (*f)(const float*, float*, size_t), const Z& z, Out& out) {
  for (Eigen::Index r = 0; r < z.rows(); ++r) {
    f(z.row(r).data(), out.row(r).data(), static_cast<size_t>(z.cols()));
  }
}

// out = a(z). The gates' activations, sigmoid and tanh, are computed on the
// blocks in place, by activate()'s kernels (vector_activations.h); any other
// goes through whole-matrix scratch (blocks of gates are strided).
template <class Z, class Out>
void activate_block(Activation a, const Z& z, Out&& out, Matrix& x, Matrix& y) {
  switch (a) {
    case Activation::kSigmoid:
      activate_rows(&internal::sigmoid_values, z, out);
      return;
    case Activation::kTanh:
      activate_rows(&internal::tanh_values, z, out);
      return;
    default:
      x = z;
      activate(a, x, y);
      out = y;
  }
}

// out = dL/dz given z, y = a(z) and dL/dy; sigmoid and tanh in place, by the
// formulas of activation_backward().
template <class Z, class Y, class DY, class Out>
void activation_grad_block(Activation a, const Z& z, const Y& y, const DY& dy, Out&& out,
                           Matrix& sx, Matrix& sy, Matrix& sdy, Matrix& sdx) {
  switch (a) {
    case Activation::kSigmoid:
      out.array() = dy.array() * y.array() * (1.0f - y.array());
      return;
    case Activation::kTanh:
      out.array() = dy.array() * (1.0f - y.array().square());
      return;
    default:
      sx = z;
      sy = y;
      sdy = dy;
      activation_backward(a, sx, sy, sdy, sdx);
      out = sdx;
  }
}

}  // namespace

void Recurrent::step_forward(Eigen::Index s) {
  const Eigen::Index b = batch_, u = options_.units, t = time_of(s);
  const auto h_prev = h_.middleRows(s * b, b);
  auto h = h_.middleRows((s + 1) * b, b);
  auto z = z_.middleRows(s * b, b);
  auto a = activations().middleRows(s * b, b);
  const ConstMatrixMap recurrent = as_matrix(std::as_const(recurrent_kernel_.value));
  const Activation act = options_.activation, gate = options_.recurrent_activation;
  Matrix& sx = scratch_.x;
  Matrix& sy = scratch_.y;
  switch (options_.cell) {
    case CellKind::kSimpleRNN:
      gemm(h_prev, Op::kNone, recurrent, Op::kNone, z, 1.0f, 1.0f);
      activate_block(act, z, a, sx, sy);
      h = a;
      break;
    case CellKind::kLSTM: {
      if (s + 1 < options_.timesteps) prefetch_recurrent_block(z.data() + z.size(), z.size());
      gemm(h_prev, Op::kNone, recurrent, Op::kNone, z, 1.0f, 1.0f);
      auto c = c_.middleRows((s + 1) * b, b);
      auto tc = tc_.middleRows(s * b, b);
      if (keras_lstm_activations()) {  // the whole cell in one pass
        internal::lstm_step_forward({.gates = z.data(),
                                     .c_prev = c_.data() + s * b * u,
                                     .c = c.data(),
                                     .tc = tc.data(),
                                     .h = h.data(),
                                     .rows = b,
                                     .units = u});
        break;
      }
      activate_block(gate, z.leftCols(2 * u), a.leftCols(2 * u), sx, sy);
      activate_block(act, z.middleCols(2 * u, u), a.middleCols(2 * u, u), sx, sy);
      activate_block(gate, z.rightCols(u), a.rightCols(u), sx, sy);
      c = a.middleCols(u, u).cwiseProduct(c_.middleRows(s * b, b)) +
          a.leftCols(u).cwiseProduct(a.middleCols(2 * u, u));
      activate_block(act, c, tc, sx, sy);
      h = a.rightCols(u).cwiseProduct(tc);
      break;
    }
    case CellKind::kGRU: {
      if (options_.reset_after) {
        auto m = m_.middleRows(s * b, b);
        gemm(h_prev, Op::kNone, recurrent, Op::kNone, m);
        if (options_.use_bias) m.rowwise() += as_matrix(bias_.value).row(1);
        z.leftCols(2 * u) += m.leftCols(2 * u);
        activate_block(gate, z.leftCols(2 * u), a.leftCols(2 * u), sx, sy);
        z.rightCols(u) += a.middleCols(u, u).cwiseProduct(m.rightCols(u));
      } else {
        gemm(h_prev, Op::kNone, recurrent.leftCols(2 * u), Op::kNone, z.leftCols(2 * u), 1.0f,
             1.0f);
        activate_block(gate, z.leftCols(2 * u), a.leftCols(2 * u), sx, sy);
        auto rh = rh_.middleRows(s * b, b);
        rh = a.middleCols(u, u).cwiseProduct(h_prev);
        gemm(rh, Op::kNone, recurrent.rightCols(u), Op::kNone, z.rightCols(u), 1.0f, 1.0f);
      }
      activate_block(act, z.rightCols(u), a.rightCols(u), sx, sy);
      const auto update = a.leftCols(u);
      h = update.cwiseProduct(h_prev) +
          (1.0f - update.array()).matrix().cwiseProduct(a.rightCols(u));
      break;
    }
  }
  if (!masked()) return;
  for (Eigen::Index i = 0; i < b; ++i) {
    if (mask_(i, t) != 0.0f) continue;
    h.row(i) = h_prev.row(i);
    if (options_.cell == CellKind::kLSTM) c_.row((s + 1) * b + i) = c_.row(s * b + i);
  }
}

void Recurrent::step_backward(Eigen::Index s) {
  const Eigen::Index b = batch_, u = options_.units, gu = gates() * u, t = time_of(s);
  const auto h_prev = h_.middleRows(s * b, b);
  const auto z = z_.middleRows(s * b, b);
  const auto a = activations().middleRows(s * b, b);
  auto dzrec = dzrec_.middleRows(s * b, b);
  const ConstMatrixMap recurrent = as_matrix(std::as_const(recurrent_kernel_.value));
  const Activation act = options_.activation, gate = options_.recurrent_activation;
  Scratch& sc = scratch_;
  auto grad = [&sc](Activation f, const auto& zz, const auto& yy, const auto& dyy, auto&& out) {
    activation_grad_block(f, zz, yy, dyy, out, sc.x, sc.y, sc.dy, sc.dx);
  };
  dgate_.resize(b, gu);
  dh_prev_.resize(b, u);
  switch (options_.cell) {
    case CellKind::kSimpleRNN:
      grad(act, z, a, dh_, dgate_);
      dzrec = dgate_;
      gemm(dgate_, Op::kNone, recurrent, Op::kTranspose, dh_prev_);
      break;
    case CellKind::kLSTM: {
      const auto c_prev = c_.middleRows(s * b, b), c = c_.middleRows((s + 1) * b, b);
      const auto tc = tc_.middleRows(s * b, b);
      dc_prev_.resize(b, u);
      if (keras_lstm_activations()) {  // the whole cell in one pass
        internal::lstm_step_backward({.a = a.data(),
                                      .c_prev = c_prev.data(),
                                      .tc = tc.data(),
                                      .dh = dh_.data(),
                                      .dc = dc_.data(),
                                      .dz = dzrec.data(),
                                      .dc_prev = dc_prev_.data(),
                                      .rows = b,
                                      .units = u});
      } else {
        const auto i = a.leftCols(u), f = a.middleCols(u, u), g = a.middleCols(2 * u, u),
                   o = a.rightCols(u);
        Matrix dct(b, u);
        grad(act, c, tc, dh_.cwiseProduct(o), dct);
        dct += dc_;
        grad(gate, z.leftCols(u), i, dct.cwiseProduct(g), dgate_.leftCols(u));
        grad(gate, z.middleCols(u, u), f, dct.cwiseProduct(c_prev), dgate_.middleCols(u, u));
        grad(act, z.middleCols(2 * u, u), g, dct.cwiseProduct(i), dgate_.middleCols(2 * u, u));
        grad(gate, z.rightCols(u), o, dh_.cwiseProduct(tc), dgate_.rightCols(u));
        dc_prev_ = dct.cwiseProduct(f);
        dzrec = dgate_;
      }
      if (s > 0) {  // the previous step's, which the next call reads
        prefetch_recurrent_block(a.data() - a.size(), a.size());
        prefetch_recurrent_block(c_prev.data() - c_prev.size(), c_prev.size());
        prefetch_recurrent_block(tc.data() - tc.size(), tc.size());
      }
      gemm(dzrec, Op::kNone, recurrent, Op::kTranspose, dh_prev_);
      if (masked()) {
        for (Eigen::Index r = 0; r < b; ++r) {
          if (mask_(r, t) == 0.0f) dc_prev_.row(r) = dc_.row(r);
        }
      }
      dc_.swap(dc_prev_);
      break;
    }
    case CellKind::kGRU: {
      const auto update = a.leftCols(u), reset = a.middleCols(u, u), cand = a.rightCols(u);
      grad(act, z.rightCols(u), cand, dh_.cwiseProduct((1.0f - update.array()).matrix()),
           dgate_.rightCols(u));
      grad(gate, z.leftCols(u), update, dh_.cwiseProduct(h_prev - cand), dgate_.leftCols(u));
      if (options_.reset_after) {
        const auto m = m_.middleRows(s * b, b);
        grad(gate, z.middleCols(u, u), reset, dgate_.rightCols(u).cwiseProduct(m.rightCols(u)),
             dgate_.middleCols(u, u));
        dzrec.leftCols(2 * u) = dgate_.leftCols(2 * u);
        dzrec.rightCols(u) = dgate_.rightCols(u).cwiseProduct(reset);
        gemm(dzrec, Op::kNone, recurrent, Op::kTranspose, dh_prev_);
      } else {
        Matrix d_rh(b, u);
        gemm(dgate_.rightCols(u), Op::kNone, recurrent.rightCols(u), Op::kTranspose, d_rh);
        grad(gate, z.middleCols(u, u), reset, d_rh.cwiseProduct(h_prev), dgate_.middleCols(u, u));
        dzrec = dgate_;
        dh_prev_ = d_rh.cwiseProduct(reset);
        gemm(dgate_.leftCols(2 * u), Op::kNone, recurrent.leftCols(2 * u), Op::kTranspose, dh_prev_,
             1.0f, 1.0f);
      }
      dh_prev_ += dh_.cwiseProduct(update);
      break;
    }
  }
  if (masked()) {
    for (Eigen::Index r = 0; r < b; ++r) {
      if (mask_(r, t) != 0.0f) continue;
      dgate_.row(r).setZero();
      dzrec.row(r).setZero();
      dh_prev_.row(r) = dh_.row(r);
    }
  }
  if (separate_input_gradient()) dzx_.middleRows(s * b, b) = dgate_;
  dh_.swap(dh_prev_);
}

}  // namespace cairn::nn
