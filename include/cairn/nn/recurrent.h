// Recurrent layers' math: SimpleRNN, LSTM and GRU over whole sequences, as
// Keras computes them, with Keras's weight layout (gates side by side in the
// columns: LSTM i, f, c, o; GRU z, r, h), masks and go_backwards.
//
//   cairn::nn::Recurrent lstm({.name = "lstm/lstm_cell", .cell = cairn::nn::CellKind::kLSTM,
//                              .input_dim = 8, .units = 16, .timesteps = 20});
//   // x: [batch, timesteps * input_dim], a sample's steps one after another.
//   const cairn::nn::Matrix& h = lstm.forward(x, /*mask=*/nullptr);  // [batch, 16]
//   const cairn::nn::Matrix& dx = lstm.backward(dh);                  // fills the gradients
//
// Speed: the input projection of every timestep is one GEMM before the
// loop, and the weight gradients of every timestep are one GEMM each after
// it; only the recurrent product h_{t-1} · recurrent_kernel runs per step.
//
// Masks: a [batch, timesteps] matrix of 0/1. At a masked step (0) a sample's
// states carry over unchanged and its output repeats the previous one
// (TensorFlow.js's and Keras's default, zero_output_for_mask false).
#pragma once

#include <string>

#include "cairn/nn/activation.h"
#include "cairn/nn/matrix.h"
#include "cairn/nn/variable.h"

namespace cairn::nn {

enum class CellKind { kSimpleRNN, kLSTM, kGRU };

struct RecurrentOptions {
  // Variable scope: "<name>/kernel", "<name>/recurrent_kernel", "<name>/bias".
  std::string name;
  CellKind cell = CellKind::kLSTM;
  int64_t input_dim = 0;
  int64_t units = 0;
  int64_t timesteps = 0;
  Activation activation = Activation::kTanh;
  Activation recurrent_activation = Activation::kSigmoid;  // gates (not SimpleRNN)
  bool use_bias = true;
  // GRU only: the reset gate applies after the recurrent product (Keras 2's
  // default, CuDNN-compatible); the bias is then [2, 3·units] (input, recurrent).
  bool reset_after = true;
  bool return_sequences = false;  // [batch, timesteps·units] instead of the last step's
  bool go_backwards = false;      // read the steps last to first (outputs in that order)
};

// The states a sequence starts from (zeros when absent): h [batch, units],
// and c [batch, units] for an LSTM.
struct InitialState {
  const Matrix* h = nullptr;
  const Matrix* c = nullptr;
};

class Recurrent {
 public:
  // Throws InvalidArgumentError unless the sizes are positive and the
  // weights' element counts fit in 2^31.
  explicit Recurrent(RecurrentOptions options);

  // Gates per unit: 1 (SimpleRNN), 4 (LSTM), 3 (GRU).
  int64_t gates() const;

  // [batch, timesteps·input_dim] -> [batch, units] (or [batch, timesteps·units]
  // with return_sequences). `mask`: [batch, timesteps] or nullptr. All are
  // copied. The result is held until the next forward().
  const Matrix& forward(const Matrix& x, const Matrix* mask, const InitialState& initial = {});
  // Given dL/d(output) of the last forward(), sets each variable's gradient
  // and returns dL/dx (empty without input_gradient), held until the next backward().
  const Matrix& backward(const Matrix& dy, bool input_gradient = true);
  // dL/d(initial h) and, for an LSTM, dL/d(initial c) of the last backward().
  const Matrix& initial_h_gradient() const { return dh_; }
  const Matrix& initial_c_gradient() const { return dc_; }

  // kernel [input_dim, gates·units], recurrent_kernel [units, gates·units],
  // then bias (when use_bias).
  VariableRefs variables();
  Variable& kernel() { return kernel_; }
  Variable& recurrent_kernel() { return recurrent_kernel_; }
  Variable& bias() { return bias_; }
  const RecurrentOptions& options() const { return options_; }

 private:
  struct Scratch {
    Matrix x, y, dy, dx;
  };
  // Copies x time-major into x_ and sets z_ to its projection x W + b.
  void project_inputs(const Matrix& x);
  void step_forward(Eigen::Index s);
  void step_backward(Eigen::Index s);
  void weight_gradients();
  // The sample's time index read at processing step s.
  Eigen::Index time_of(Eigen::Index s) const;
  // 0/1 per sample at processing step s (all 1 without a mask).
  bool masked() const { return mask_.size() > 0; }
  // Whether dL/d(x W + b) differs from dL/d(h₋ U) (a GRU with reset_after,
  // whose candidate's recurrent part is scaled by r), and so needs dzx_.
  bool separate_input_gradient() const {
    return options_.cell == CellKind::kGRU && options_.reset_after;
  }
  const Matrix& input_projection_gradient() const {
    return separate_input_gradient() ? dzx_ : dzrec_;
  }
  // An LSTM with Keras's default activations (sigmoid gates, tanh), whose
  // steps run as one fused pass (vector_activations.h).
  bool keras_lstm_activations() const {
    return options_.cell == CellKind::kLSTM && options_.activation == Activation::kTanh &&
           options_.recurrent_activation == Activation::kSigmoid;
  }
  // The gates' activations: a_, or z_ itself where the fused LSTM step
  // replaced z by them in place.
  Matrix& activations() { return keras_lstm_activations() ? z_ : a_; }

  RecurrentOptions options_;
  Variable kernel_, recurrent_kernel_, bias_;
  Eigen::Index batch_ = 0;
  Matrix mask_;
  // Forward state, time-major blocks of `batch_` rows per processing step s
  // (x_: the inputs of time_of(s); z_ starts as their projection x W + b,
  // and holds the activations in place of a_ after a fused LSTM step).
  Matrix x_, z_, a_, h_, c_, tc_, m_, rh_, y_;
  // Backward state, time-major as the forward's; dzx_ only when
  // separate_input_gradient(), dx_steps_ before dx_ is put back batch-major.
  Matrix dzx_, dzrec_, dh_, dc_, dh_prev_, dc_prev_, dx_steps_, dx_, dgate_;
  Scratch scratch_;
};

}  // namespace cairn::nn
