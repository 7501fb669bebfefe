// BundleReader::read_many_into: a restore's one pass over a bundle. Every
// target comes back exactly (numbers, bools, strings, two shards), and a
// bad crc, a truncated file or a target of another shape fails naming the
// file and the tensor.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

class ReadManyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    throw_if_error(fs_.create_directories("/b"));
    auto writer = value_or_throw(BundleWriter::create(fs_, "/b/ckpt", {.num_shards = 2}));
    throw_if_error(writer->add_to_shard("a", Tensor::from_vector<float>({1, 2, 3}, {3}), 0));
    throw_if_error(writer->add_to_shard("b", Tensor::from_vector<bool>({true, false}, {2}), 1));
    throw_if_error(writer->add_to_shard("c", Tensor::from_strings({"x", "yz"}, {2}), 1));
    throw_if_error(writer->add_to_shard("d", Tensor::scalar<int64_t>(7), 0));
    throw_if_error(writer->finish());
    reader_ = value_or_throw(BundleReader::open(fs_, "/b/ckpt"));
  }
  // Empty tensors of every entry's dtype and shape, and the targets filling them.
  std::vector<BundleReadTarget> targets_for(std::vector<Tensor>& tensors) {
    tensors.clear();
    tensors.reserve(reader_->entries().size());
    std::vector<BundleReadTarget> targets;
    for (const BundleEntry& e : reader_->entries()) {
      targets.push_back({&e, &tensors.emplace_back(e.dtype, e.shape)});
    }
    return targets;
  }

  MemoryFileSystem fs_;
  std::unique_ptr<BundleReader> reader_;
};

TEST_F(ReadManyTest, FillsEveryTarget) {
  std::vector<Tensor> tensors;
  ASSERT_TRUE(reader_->read_many_into(targets_for(tensors)).ok());
  EXPECT_TRUE(tensors[0] == Tensor::from_vector<float>({1, 2, 3}, {3}));
  EXPECT_TRUE(tensors[1] == Tensor::from_vector<bool>({true, false}, {2}));
  EXPECT_TRUE(tensors[2] == Tensor::from_strings({"x", "yz"}, {2}));
  EXPECT_TRUE(tensors[3] == Tensor::scalar<int64_t>(7));
}

TEST_F(ReadManyTest, ABadChecksumNamesTheFileAndTensor) {
  const BundleEntry* d = reader_->find("d");
  (*fs_.mutable_contents("/b/ckpt.data-00000-of-00002"))[d->offset] ^= 1;
  std::vector<Tensor> tensors;
  const Status status = reader_->read_many_into(targets_for(tensors));
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("/b/ckpt.data-00000-of-00002: tensor 'd'"));
  EXPECT_THAT(status.message(), HasSubstr("checksum mismatch"));
}

TEST_F(ReadManyTest, ATruncatedFileNamesTheFileAndTensor) {
  fs_.mutable_contents("/b/ckpt.data-00001-of-00002")->resize(3);
  std::vector<Tensor> tensors;
  const Status status = reader_->read_many_into(targets_for(tensors));
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("/b/ckpt.data-00001-of-00002: tensor 'c'"));
}

TEST_F(ReadManyTest, ATargetOfAnotherShapeIsRefused) {
  Tensor wrong(DType::kFloat32, {4});
  const BundleReadTarget target{reader_->find("a"), &wrong};
  const Status status = reader_->read_many_into({&target, 1});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("tensor 'a'"));
}

}  // namespace
}  // namespace cairn
