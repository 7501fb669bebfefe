#include "cairn/data/dataset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "cairn/core/errors.h"

namespace cairn::data {
namespace {

// n examples: feature "x" row i is (i, 10 i), label i.
Dataset numbered(int64_t n) {
  nn::Matrix x(n, 2);
  nn::Matrix y(n, 1);
  for (int64_t i = 0; i < n; ++i) {
    x(i, 0) = static_cast<float>(i);
    x(i, 1) = static_cast<float>(10 * i);
    y(i, 0) = static_cast<float>(i);
  }
  return Dataset::from_tensors({{"x", x}}, y);
}

// The rows of every batch the dataset yields (stops after `limit` batches).
std::vector<int64_t> batch_sizes(const Dataset& ds, int limit = 1000) {
  std::vector<int64_t> sizes;
  auto it = ds.make_iterator();
  while (auto batch = it.next()) {
    sizes.push_back(batch->rows());
    if (static_cast<int>(sizes.size()) == limit) break;
  }
  return sizes;
}

// The labels of every example, in the order yielded.
std::vector<int> order(const Dataset& ds) {
  std::vector<int> ids;
  auto it = ds.make_iterator();
  while (auto batch = it.next()) {
    for (int64_t r = 0; r < batch->rows(); ++r)
      ids.push_back(static_cast<int>(batch->labels(r, 0)));
  }
  return ids;
}

std::vector<int> iota(int n) {
  std::vector<int> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(DatasetTest, SliceRowsTakesTheSameRowsOfFeaturesAndLabels) {
  Batch batch = *numbered(5).batch(5).make_iterator().next();
  Batch slice = slice_rows(batch, 1, 3);
  ASSERT_EQ(slice.rows(), 2);
  EXPECT_EQ(slice.features.at("x")(0, 1), 10.0f);
  EXPECT_EQ(slice.features.at("x")(1, 0), 2.0f);
  EXPECT_EQ(slice.labels(1, 0), 2.0f);
  EXPECT_EQ(slice_rows(batch, 5, 5).rows(), 0);  // a rank with no rows of a short batch
  EXPECT_EQ(slice_rows(batch, 5, 5).features.at("x").cols(), 2);
}

TEST(DatasetTest, FromTensorsRejectsMismatchedRows) {
  try {
    Dataset::from_tensors({{"x", nn::Matrix(5, 2)}}, nn::Matrix(4, 1));
    FAIL() << "expected InvalidArgumentError";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("'x' has 5 rows"), std::string::npos) << e.what();
  }
}

TEST(DatasetTest, UnbatchedYieldsOneRowPerExampleInOrder) {
  Dataset ds = numbered(3);
  EXPECT_EQ(ds.num_examples(), 3);
  auto it = ds.make_iterator();
  for (int i = 0; i < 3; ++i) {
    auto batch = it.next();
    ASSERT_TRUE(batch);
    ASSERT_EQ(batch->rows(), 1);
    EXPECT_EQ(batch->labels(0, 0), i);
    EXPECT_EQ(batch->features.at("x")(0, 1), 10 * i);
  }
  EXPECT_FALSE(it.next());
  EXPECT_FALSE(it.next());
}

TEST(DatasetTest, BatchWithoutRepeatEndsWithPartialBatch) {
  EXPECT_EQ(batch_sizes(numbered(120).batch(50)), (std::vector<int64_t>{50, 50, 20}));
  EXPECT_EQ(batch_sizes(numbered(120).batch(120)), (std::vector<int64_t>{120}));
}

TEST(DatasetTest, RepeatThenBatchCrossesEpochs) {
  EXPECT_EQ(batch_sizes(numbered(120).repeat(2).batch(100)), (std::vector<int64_t>{100, 100, 40}));
  EXPECT_EQ(order(numbered(3).repeat(2)), (std::vector<int>{0, 1, 2, 0, 1, 2}));
}

TEST(DatasetTest, BatchThenRepeatRestartsBatches) {
  EXPECT_EQ(batch_sizes(numbered(120).batch(100).repeat(2)),
            (std::vector<int64_t>{100, 20, 100, 20}));
}

TEST(DatasetTest, RepeatForeverKeepsGoing) {
  EXPECT_EQ(batch_sizes(numbered(5).repeat().batch(3), 50), std::vector<int64_t>(50, 3));
  EXPECT_TRUE(batch_sizes(numbered(5).repeat(0)).empty());
}

TEST(DatasetTest, RepeatOfEmptyDatasetEnds) {
  EXPECT_TRUE(batch_sizes(numbered(0).repeat()).empty());
  EXPECT_TRUE(batch_sizes(Dataset().shuffle(10, 1).repeat().batch(4)).empty());
  EXPECT_EQ(Dataset().num_examples(), 0);
}

TEST(DatasetTest, ShuffleSameSeedSameOrder) {
  EXPECT_EQ(order(numbered(120).shuffle(1000, 42)), order(numbered(120).shuffle(1000, 42)));
  EXPECT_NE(order(numbered(120).shuffle(1000, 42)), order(numbered(120).shuffle(1000, 43)));
  EXPECT_NE(order(numbered(120).shuffle(1000, 42)), iota(120));
}

TEST(DatasetTest, NewIteratorStartsAFreshPass) {
  Dataset ds = numbered(50).shuffle(50, 7).repeat(3);
  EXPECT_EQ(order(ds), order(ds));
}

TEST(DatasetTest, ShuffleYieldsEveryExampleOncePerEpochAndReshuffles) {
  for (int64_t buffer : {1, 10, 120, 1000}) {
    std::vector<int> ids = order(numbered(120).shuffle(buffer, 9).repeat(3).batch(32));
    ASSERT_EQ(ids.size(), 360u);
    std::vector<std::vector<int>> epochs;
    for (int e = 0; e < 3; ++e)
      epochs.emplace_back(ids.begin() + 120 * e, ids.begin() + 120 * (e + 1));
    for (auto epoch : epochs) {
      std::sort(epoch.begin(), epoch.end());
      EXPECT_EQ(epoch, iota(120)) << "buffer " << buffer;
    }
    if (buffer == 1) {
      EXPECT_EQ(epochs[0], iota(120));  // a buffer of one keeps the order
    } else {
      EXPECT_NE(epochs[0], epochs[1]) << "buffer " << buffer;
      EXPECT_NE(epochs[1], epochs[2]) << "buffer " << buffer;
    }
  }
}

TEST(DatasetTest, ShuffleKeepsFeaturesAndLabelsTogether) {
  auto it = numbered(40).shuffle(16, 3).batch(7).make_iterator();
  while (auto batch = it.next()) {
    const nn::Matrix& x = batch->features.at("x");
    ASSERT_EQ(x.rows(), batch->rows());
    for (int64_t r = 0; r < batch->rows(); ++r) {
      EXPECT_EQ(x(r, 0), batch->labels(r, 0));
      EXPECT_EQ(x(r, 1), 10 * batch->labels(r, 0));
    }
  }
}

TEST(DatasetTest, TransformationsLeaveTheOriginalUnchanged) {
  Dataset ds = numbered(10);
  Dataset shuffled = ds.shuffle(10, 1).batch(4);
  EXPECT_EQ(order(ds), iota(10));
  EXPECT_EQ(batch_sizes(shuffled), (std::vector<int64_t>{4, 4, 2}));
}

TEST(DatasetTest, UnlabeledDataHasZeroLabelColumns) {
  Dataset ds = Dataset::from_tensors({{"x", nn::Matrix::Ones(5, 3)}}, nn::Matrix(5, 0));
  auto batch = ds.batch(4).make_iterator().next();
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->rows(), 4);
  EXPECT_EQ(batch->labels.cols(), 0);
  EXPECT_EQ(batch->features.at("x").rows(), 4);
}

TEST(DatasetTest, RejectsBadArguments) {
  Dataset ds = numbered(3);
  EXPECT_THROW(ds.batch(0), InvalidArgumentError);
  EXPECT_THROW(ds.shuffle(0, 1), InvalidArgumentError);
  EXPECT_THROW(ds.repeat(-2), InvalidArgumentError);
}

TEST(DatasetTest, DefaultIteratorIsEmpty) {
  Dataset::Iterator it;
  EXPECT_FALSE(it.next());
}

}  // namespace
}  // namespace cairn::data
