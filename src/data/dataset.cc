// Dataset: an immutable plan (the examples plus the list of stages applied
// to them) shared by every copy; iterators run the plan as a stream of
// example indices (example_stream.h) and gather rows into Batches.
#include "cairn/data/dataset.h"

#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include "cairn/core/errors.h"
#include "example_stream.h"

namespace cairn::data {

namespace {

// The tensors a pipeline reads, one row per example.
struct Examples {
  FeatureMap features;
  nn::Matrix labels;
};

// Rows `indices` of `m`, in that order.
nn::Matrix gather_rows(const nn::Matrix& m, const std::vector<int64_t>& indices) {
  nn::Matrix out(static_cast<Eigen::Index>(indices.size()), m.cols());
  for (size_t r = 0; r < indices.size(); ++r) {
    out.row(static_cast<Eigen::Index>(r)) = m.row(indices[r]);
  }
  return out;
}

Batch gather(const Examples& examples, const std::vector<int64_t>& indices) {
  Batch batch;
  for (const auto& [key, matrix] : examples.features) {
    batch.features.emplace(key, gather_rows(matrix, indices));
  }
  batch.labels = gather_rows(examples.labels, indices);
  return batch;
}

void check_rows(const FeatureMap& features, const nn::Matrix& labels) {
  for (const auto& [key, matrix] : features) {
    if (matrix.rows() == labels.rows()) continue;
    throw InvalidArgumentError("Dataset::from_tensors: feature '" + key + "' has " +
                               std::to_string(matrix.rows()) + " rows but the labels have " +
                               std::to_string(labels.rows()) +
                               " (every feature and the labels need one row per example)");
  }
}

}  // namespace

// Nested in Dataset, so it may build Datasets and read their plans.
struct Dataset::Plan {
  std::shared_ptr<const Examples> examples;
  std::vector<internal::Stage> stages;  // applied in order

  // The plan of `ds`; a default-constructed Dataset has no examples.
  static const Plan& of(const Dataset& ds) {
    static const Plan kEmpty{std::make_shared<const Examples>(), {}};
    return ds.plan_ ? *ds.plan_ : kEmpty;
  }
  static Dataset dataset(Plan plan) {
    Dataset ds;
    ds.plan_ = std::make_shared<const Plan>(std::move(plan));
    return ds;
  }
  static Dataset with_stage(const Dataset& ds, internal::Stage stage) {
    Plan plan = of(ds);
    plan.stages.push_back(stage);
    return dataset(std::move(plan));
  }
};

struct Dataset::Iterator::State {
  std::shared_ptr<const Dataset::Plan> plan;  // keeps the examples alive
  std::unique_ptr<internal::Stream> stream;
  std::vector<int64_t> indices;  // scratch for the next element
};

Dataset Dataset::from_tensors(FeatureMap features, nn::Matrix labels) {
  check_rows(features, labels);
  auto examples = std::make_shared<Examples>(Examples{std::move(features), std::move(labels)});
  return Plan::dataset(Plan{std::move(examples), {}});
}

Dataset Dataset::shuffle(int64_t buffer_size, uint64_t seed) const {
  if (buffer_size < 1) {
    throw InvalidArgumentError("Dataset::shuffle: buffer_size must be positive, got " +
                               std::to_string(buffer_size));
  }
  return Plan::with_stage(*this,
                          {.kind = internal::Stage::kShuffle, .size = buffer_size, .seed = seed});
}

Dataset Dataset::repeat(int64_t count) const {
  if (count < -1) {
    throw InvalidArgumentError("Dataset::repeat: count must be -1 (forever) or at least 0, got " +
                               std::to_string(count));
  }
  return Plan::with_stage(*this, {.kind = internal::Stage::kRepeat, .size = count});
}

Dataset Dataset::batch(int64_t batch_size) const {
  if (batch_size < 1 || batch_size > kMaxBatchSize) {
    throw InvalidArgumentError("Dataset::batch: batch_size must be in [1, " +
                               std::to_string(kMaxBatchSize) + "], got " +
                               std::to_string(batch_size));
  }
  return Plan::with_stage(*this, {.kind = internal::Stage::kBatch, .size = batch_size});
}

Dataset::Iterator Dataset::make_iterator() const {
  Iterator it;
  it.state_ = std::make_shared<Iterator::State>();
  it.state_->plan = plan_ ? plan_ : std::make_shared<const Plan>(Plan::of(*this));
  it.state_->stream = internal::build_stream(it.state_->plan->stages, num_examples());
  return it;
}

Batch slice_rows(const Batch& batch, int64_t begin, int64_t end) {
  assert(0 <= begin && begin <= end && end <= batch.rows());
  Batch slice;
  for (const auto& [key, matrix] : batch.features) {
    slice.features.emplace(key, matrix.middleRows(begin, end - begin));
  }
  slice.labels = batch.labels.middleRows(begin, end - begin);
  return slice;
}

int64_t Dataset::num_examples() const { return Plan::of(*this).examples->labels.rows(); }

std::optional<Batch> Dataset::Iterator::next() {
  if (!state_) return std::nullopt;
  state_->indices.clear();
  if (!state_->stream->next(state_->indices)) return std::nullopt;
  return gather(*state_->plan->examples, state_->indices);
}

}  // namespace cairn::data
