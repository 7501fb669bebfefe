// An Estimator session restores through the one restore path
// (checkpoint/restore.h): every byte of the checkpoint's data is read once,
// its crc checked on the way, and nothing is read twice.
#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/io/memory_file_system.h"
#include "estimator/estimator_test_util.h"
#include "estimator/session.h"
#include "testing/counting_file_system.h"

namespace cairn::estimator {
namespace {

class RestoreOnceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DNNClassifier classifier(testing::iris_options(tmp_.path()));
    classifier.train(testing::train_input_fn(classifier.spec()), {.steps = 20});
    spec_ = classifier.spec();
    cairn::testing::copy_directory(default_file_system(), tmp_.path(), memory_);
  }
  std::string data_file() const { return tmp_.path() + "/model.ckpt-20.data-00000-of-00001"; }

  cairn::testing::TempDir tmp_;
  MemoryFileSystem memory_;
  ModelSpec spec_;
};

TEST_F(RestoreOnceTest, TrainingReadsEveryDataByteOnce) {
  cairn::testing::CountingFileSystem counting(memory_);
  RunConfig config = testing::iris_options(tmp_.path()).config;
  config.file_system = &counting;
  internal::Session session =
      internal::open_session(spec_, tmp_.path(), config, {.training = true});
  EXPECT_EQ(session.step(), 20);
  const uint64_t size = value_or_throw(memory_.file_size(data_file()));
  EXPECT_EQ(counting.times_read(data_file(), 0, size), std::vector<int>(size, 1));
  EXPECT_EQ(counting.bytes_handed_out(data_file()), size);
}

TEST_F(RestoreOnceTest, EvaluationReadsTheModelsVariablesOnceAndNotTheSlots) {
  cairn::testing::CountingFileSystem counting(memory_);
  RunConfig config = testing::iris_options(tmp_.path()).config;
  config.file_system = &counting;
  internal::Session session = internal::open_session(spec_, tmp_.path(), config, {});
  EXPECT_EQ(session.step(), 20);
  uint64_t restored = 0;
  CheckpointReader reader(tmp_.path() + "/model.ckpt-20", memory_);
  for (const BundleEntry& e : reader.bundle().entries()) {
    const bool slot = e.name.find("/t_0/") != std::string::npos;
    const std::vector<int> expected(e.size, slot ? 0 : 1);
    EXPECT_EQ(counting.times_read(data_file(), e.offset, e.size), expected) << e.name;
    if (!slot) restored += e.size;
  }
  EXPECT_EQ(counting.bytes_handed_out(data_file()), restored);
}

}  // namespace
}  // namespace cairn::estimator
