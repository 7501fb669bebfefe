// Input pipelines like tf.data: a dataset of (features, labels) examples
// that can be shuffled (with a buffer and a seed), repeated and batched, and
// read batch by batch.
//
//   auto ds = cairn::data::Dataset::from_tensors(features, labels)
//                 .shuffle(1000, /*seed=*/42).repeat().batch(100);
//   auto it = ds.make_iterator();
//   while (auto batch = it.next()) { use(batch->features, batch->labels); }
//
// Features are named float matrices ([examples, width] each, one per
// feature column key); labels are float rows ([examples, label_width]; class
// ids are stored as floats). An input_fn is any callable returning a Dataset.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cairn/nn/matrix.h"

namespace cairn::data {

using FeatureMap = std::map<std::string, nn::Matrix>;  // sorted by key

struct Batch {
  FeatureMap features;
  nn::Matrix labels;  // [rows, label_width]; empty (0 columns) when unlabeled
  int64_t rows() const { return labels.rows(); }
};

// Rows [begin, end) of `batch`, features and labels alike: one rank's slice
// of a global batch (rank_slice, cairn/core/process_group.h). Needs
// 0 <= begin <= end <= batch.rows().
Batch slice_rows(const Batch& batch, int64_t begin, int64_t end);

// The largest batch Dataset::batch makes (2^24 examples): a batch is held in
// memory whole, and after repeat() a larger one would never end.
inline constexpr int64_t kMaxBatchSize = int64_t{1} << 24;

class Dataset {
 public:
  // Every feature matrix and `labels` must have the same number of rows.
  // Pass labels with 0 columns (and the right row count) for unlabeled data.
  static Dataset from_tensors(FeatureMap features, nn::Matrix labels);

  // Each pass draws examples through a buffer of `buffer_size`, as tf.data's
  // shuffle; the same seed gives the same order, and each repetition
  // reshuffles (differently, deterministically).
  Dataset shuffle(int64_t buffer_size, uint64_t seed) const;
  // Repeats `count` times; -1 forever.
  Dataset repeat(int64_t count = -1) const;
  // Groups consecutive examples; the last batch may be smaller.
  // InvalidArgumentError unless 1 <= batch_size <= kMaxBatchSize.
  Dataset batch(int64_t batch_size) const;

  class Iterator {
   public:
    // The next batch (or single example, before batch()), nullopt at the end.
    std::optional<Batch> next();

   private:
    friend class Dataset;
    struct State;
    std::shared_ptr<State> state_;
  };
  Iterator make_iterator() const;

  int64_t num_examples() const;  // before shuffle/repeat/batch

 private:
  struct Plan;
  std::shared_ptr<const Plan> plan_;
};

using InputFn = std::function<Dataset()>;

}  // namespace cairn::data
