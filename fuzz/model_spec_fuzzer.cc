// libFuzzer target for the model spec JSON that every model.ckpt-N.meta
// records (estimator/model_spec.h), which `evaluate`, `predict` and `export`
// trust to rebuild the network. Parses it with ModelSpec::from_json; a spec
// that parses builds its CannedModel and runs one forward pass on two rows
// of features of the declared widths (specs wider than kMaxWidth are
// skipped: they are legitimately large, not malformed). Only cairn's typed
// errors may come out.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cairn/core/errors.h"
#include "cairn/estimator/model_spec.h"
#include "estimator/canned_model.h"

namespace {

using cairn::estimator::ModelSpec;

constexpr int64_t kMaxWidth = 256;

bool small_enough(const ModelSpec& spec) {
  for (const auto& column : spec.feature_columns) {
    if (column.shape > kMaxWidth) return false;
  }
  for (int64_t units : spec.hidden_units) {
    if (units > kMaxWidth) return false;
  }
  return spec.feature_columns.size() <= kMaxWidth && spec.hidden_units.size() <= 16 &&
         spec.n_classes <= kMaxWidth && spec.label_dimension <= kMaxWidth;
}

void run_forward(const ModelSpec& spec) {
  cairn::data::FeatureMap features;
  for (const auto& column : spec.feature_columns) {
    features[column.key] =
        cairn::nn::Matrix::Constant(2, column.shape < 0 ? 0 : column.shape, 0.5f);
  }
  cairn::estimator::internal::CannedModel model(spec, /*seed=*/1);
  (void)model.forward(features, /*training=*/false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string json(reinterpret_cast<const char*>(data), size);
  try {
    const ModelSpec spec = ModelSpec::from_json(json);
    if (small_enough(spec)) run_forward(spec);
  } catch (const cairn::Error&) {
  }
  return 0;
}
