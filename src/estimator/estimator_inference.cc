// Estimator::inference_model: the newest checkpoint's network, for serving.
#include "cairn/core/errors.h"
#include "cairn/estimator/estimator.h"
#include "estimator/session.h"

namespace cairn::estimator {

InferenceModel Estimator::inference_model() {
  internal::Session session = internal::open_session(*definition_, model_dir_, config_, {});
  return session.model->inference_model();
}

}  // namespace cairn::estimator
