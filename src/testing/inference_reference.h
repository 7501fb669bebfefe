// Test-only: a plain-loop forward pass over an InferenceModel, written
// independently of nn/ and of every exporter, so tests can compare a model's
// predict(), an export's runtime and this reference on the same rows.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "cairn/formats/export/inference_model.h"

namespace cairn::testing {

using Rows = std::vector<std::vector<double>>;

inline double activate_one(const std::string& a, double v) {
  if (a == "relu") return std::max(0.0, v);
  if (a == "tanh") return std::tanh(v);
  if (a == "sigmoid") return 1.0 / (1.0 + std::exp(-v));
  if (a == "elu") return v > 0 ? v : std::expm1(v);
  if (a == "linear") return v;
  throw std::invalid_argument("reference: unknown activation " + a);
}

inline std::vector<double> activate_row(const std::string& a, std::vector<double> row) {
  if (a != "softmax") {
    for (double& v : row) v = activate_one(a, v);
    return row;
  }
  const double top = *std::max_element(row.begin(), row.end());
  double sum = 0;
  for (double& v : row) sum += (v = std::exp(v - top));
  for (double& v : row) v /= sum;
  return row;
}

inline std::vector<double> dense_row(const InferenceStep& s, const std::vector<double>& x) {
  const int64_t in = s.kernel.shape().dim(0), units = s.kernel.shape().dim(1);
  const auto k = s.kernel.flat<float>();
  std::vector<double> y(static_cast<size_t>(units), 0.0);
  for (int64_t j = 0; j < units; ++j) {
    double acc = s.has_bias() ? s.bias.flat<float>()[static_cast<size_t>(j)] : 0.0;
    for (int64_t i = 0; i < in; ++i)
      acc += x[static_cast<size_t>(i)] * k[static_cast<size_t>(i * units + j)];
    y[static_cast<size_t>(j)] = acc;
  }
  return activate_row(s.activation, y);
}

// The last step's output for each (flattened) input row.
inline Rows reference_forward(const InferenceModel& m, Rows rows) {
  for (const InferenceStep& s : m.steps) {
    if (s.kind == InferenceStep::Kind::kLayer) {
      throw std::invalid_argument("reference_forward: no reference for layer '" + s.name + "' (" +
                                  s.class_name + ")");
    }
    if (s.kind == InferenceStep::Kind::kFlatten) continue;  // rows are flat already
    for (auto& row : rows) {
      row = s.kind == InferenceStep::Kind::kDense ? dense_row(s, row)
                                                  : activate_row(s.activation, row);
    }
  }
  return rows;
}

// Every output of the model by name (class ids as doubles).
inline std::map<std::string, Rows> reference_outputs(const InferenceModel& m, const Rows& rows) {
  const Rows y = reference_forward(m, rows);
  std::map<std::string, Rows> out;
  for (const InferenceOutput& o : m.outputs) {
    Rows& r = out[o.name];
    for (const auto& row : y) {
      switch (o.kind) {
        case InferenceOutput::Kind::kActivations:
        case InferenceOutput::Kind::kLogits:
          r.push_back(row);
          break;
        case InferenceOutput::Kind::kLogistic:
          r.push_back(activate_row("sigmoid", row));
          break;
        case InferenceOutput::Kind::kProbabilities:
          if (m.binary_head) {
            const double p = activate_one("sigmoid", row[0]);
            r.push_back({1.0 - p, p});
          } else {
            r.push_back(activate_row("softmax", row));
          }
          break;
        case InferenceOutput::Kind::kClassIds:
          r.push_back(
              {m.binary_head
                   ? (row[0] > 0 ? 1.0 : 0.0)
                   : static_cast<double>(std::max_element(row.begin(), row.end()) - row.begin())});
          break;
      }
    }
  }
  return out;
}

}  // namespace cairn::testing
