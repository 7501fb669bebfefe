// Shards written apart and merged into one bundle: what a rank of a parallel
// save writes, what rank 0 commits, and that BundleWriter, which runs the
// same steps in one process, writes the same bytes.
#include "cairn/formats/bundle/bundle_shard_writer.h"

#include <gtest/gtest.h>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

Tensor floats(std::initializer_list<float> values) {
  Tensor t(DType::kFloat32, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.flat<float>().begin());
  return t;
}

// Writes shard `id` of `n` of "/d/b" holding `tensors`, and returns it as
// the bytes a rank would send.
std::string write_shard(FileSystem& fs, int id, int n,
                        const std::vector<std::pair<std::string, Tensor>>& tensors) {
  auto writer = BundleShardWriter::create(fs, "/d/b", id, n);
  EXPECT_TRUE(writer.ok()) << writer.status().message();
  for (const auto& [name, t] : tensors) EXPECT_TRUE((*writer)->add(name, t).ok());
  Result<WrittenShard> done = (*writer)->finish();
  EXPECT_TRUE(done.ok()) << done.status().message();
  return done->serialize();
}

std::vector<WrittenShard> parsed(const std::vector<std::string>& bytes) {
  std::vector<WrittenShard> out;
  for (const std::string& b : bytes) out.push_back(*WrittenShard::parse(b, "test"));
  return out;
}

std::vector<std::string> files(MemoryFileSystem& fs) { return *fs.list_directory("/d"); }

class BundleShardWriterTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fs_.create_directories("/d").ok()); }
  MemoryFileSystem fs_;
};

TEST_F(BundleShardWriterTest, ShardsWrittenApartReadAsOneBundle) {
  std::vector<std::string> sent = {
      write_shard(fs_, 2, 3, {{"c", floats({3})}}),
      write_shard(fs_, 0, 3, {{"b", floats({2, 2})}, {"a", floats({1})}}),
      write_shard(fs_, 1, 3, {}),  // a rank without variables
  };
  EXPECT_FALSE(fs_.file_exists("/d/b.data-00000-of-00003")) << "no final name before the commit";
  ASSERT_TRUE(commit_bundle_shards(fs_, "/d/b", parsed(sent)).ok());

  auto reader = BundleReader::open(fs_, "/d/b");
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_EQ((*reader)->num_shards(), 3);
  ASSERT_EQ((*reader)->entries().size(), 3u);
  EXPECT_EQ((*reader)->find("c")->shard_id, 2);
  EXPECT_TRUE(*(*reader)->read("b") == floats({2, 2}));
  EXPECT_TRUE(*(*reader)->read("c") == floats({3}));
  EXPECT_EQ(files(fs_).size(), 4u) << "index and three data files, no temporary";
}

TEST_F(BundleShardWriterTest, BundleWriterWritesTheSameBytesAsShardsMergedByHand) {
  auto writer = *BundleWriter::create(fs_, "/d/one", {.num_shards = 2});
  ASSERT_TRUE(writer->add_to_shard("w", floats({1, 2, 3}), 1).ok());
  ASSERT_TRUE(writer->add_to_shard("b", floats({4}), 0).ok());
  ASSERT_TRUE(writer->add_to_shard("a", floats({5}), 1).ok());
  ASSERT_TRUE(writer->finish().ok());

  std::vector<std::string> sent = {
      write_shard(fs_, 1, 2, {{"w", floats({1, 2, 3})}, {"a", floats({5})}}),
      write_shard(fs_, 0, 2, {{"b", floats({4})}})};
  ASSERT_TRUE(commit_bundle_shards(fs_, "/d/b", parsed(sent)).ok());
  for (const std::string suffix : {".index", ".data-00000-of-00002", ".data-00001-of-00002"}) {
    EXPECT_EQ(*fs_.read_file("/d/one" + suffix), *fs_.read_file("/d/b" + suffix)) << suffix;
  }
}

TEST_F(BundleShardWriterTest, ATensorInTwoShardsIsRefusedAndNothingIsLeft) {
  std::vector<std::string> sent = {write_shard(fs_, 0, 2, {{"w", floats({1})}}),
                                   write_shard(fs_, 1, 2, {{"w", floats({2})}})};
  Status status = commit_bundle_shards(fs_, "/d/b", parsed(sent));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'w' is in shards 0 and 1"), std::string::npos)
      << status.message();
  EXPECT_TRUE(files(fs_).empty()) << "temporaries removed";
}

TEST_F(BundleShardWriterTest, AMissingShardIsRefused) {
  std::vector<std::string> sent = {write_shard(fs_, 0, 2, {{"w", floats({1})}})};
  Status status = commit_bundle_shards(fs_, "/d/b", parsed(sent));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.message();
  EXPECT_FALSE(fs_.file_exists("/d/b.index"));
}

TEST_F(BundleShardWriterTest, OverwrittenByAnotherShardCountLeavesOnlyTheNewShards) {
  ASSERT_TRUE(commit_bundle_shards(fs_, "/d/b",
                                   parsed({write_shard(fs_, 0, 2, {{"w", floats({1})}}),
                                           write_shard(fs_, 1, 2, {{"v", floats({2})}})}))
                  .ok());
  ASSERT_TRUE(commit_bundle_shards(fs_, "/d/b",
                                   parsed({write_shard(fs_, 0, 3, {{"w", floats({3})}}),
                                           write_shard(fs_, 1, 3, {{"v", floats({4})}}),
                                           write_shard(fs_, 2, 3, {})}))
                  .ok());
  EXPECT_EQ(files(fs_), (std::vector<std::string>{"b.data-00000-of-00003", "b.data-00001-of-00003",
                                                  "b.data-00002-of-00003", "b.index"}));
  EXPECT_TRUE(*(*BundleReader::open(fs_, "/d/b"))->read("v") == floats({4}));
}

TEST_F(BundleShardWriterTest, AnUnfinishedShardRemovesItsTemporary) {
  {
    auto writer = *BundleShardWriter::create(fs_, "/d/b", 0, 1);
    ASSERT_TRUE(writer->add("w", floats({1})).ok());
    EXPECT_EQ(files(fs_).size(), 1u);
  }
  EXPECT_TRUE(files(fs_).empty());
}

TEST_F(BundleShardWriterTest, BytesThatAreNotAShardAreDataLoss) {
  std::string bytes = write_shard(fs_, 0, 1, {{"w", floats({1})}});
  for (std::string bad : {std::string(), bytes.substr(0, bytes.size() - 1), bytes + "x"}) {
    Result<WrittenShard> shard = WrittenShard::parse(bad, "rank 1");
    EXPECT_EQ(shard.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(shard.status().message().find("rank 1"), std::string::npos);
  }
}

TEST(AssignShardsByBytes, BalancesLargestFirstAndIsDeterministic) {
  const std::vector<uint64_t> bytes = {10, 100, 50, 60, 40};
  // 100 -> 0; 60 -> 1; 50 -> 1 (110); 40 -> 0 (140); 10 -> 1 (120).
  EXPECT_EQ(assign_shards_by_bytes(bytes, 2), (std::vector<int>{1, 0, 1, 1, 0}));
  EXPECT_EQ(assign_shards_by_bytes(bytes, 1), (std::vector<int>{0, 0, 0, 0, 0}));
  // More shards than tensors: each tensor alone, the rest empty.
  EXPECT_EQ(assign_shards_by_bytes(std::vector<uint64_t>{5, 7}, 3), (std::vector<int>{1, 0}));
}

}  // namespace
}  // namespace cairn
