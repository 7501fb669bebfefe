// Tests of the POSIX FileSystem's direct-I/O files: streaming files (data
// shards written around the page cache) and uncached files (cold restores
// read around it). The bytes must be exactly those appended, whatever the
// sizes and alignment; on a file system without O_DIRECT the same tests run
// through the buffered fallback.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cairn/io/file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

constexpr size_t kMiB = 1024 * 1024;

// Bytes that differ at every offset (a misplaced block cannot go unseen).
std::string pattern(size_t n, uint32_t seed) {
  std::string bytes(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    bytes[i] = static_cast<char>(x >> 24);
  }
  return bytes;
}

class DirectIoTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return join_path(dir_.path(), name); }

  // True when the scratch directory's file system accepts O_DIRECT.
  bool direct_io_supported() const {
    const int fd = ::open(path("probe").c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0644);
    if (fd < 0) return false;
    ::close(fd);
    return true;
  }

  cairn::testing::TempDir dir_;
  FileSystem& fs_ = default_file_system();
};

TEST_F(DirectIoTest, StreamingFileHoldsExactlyTheBytesAppended) {
  // Around the 4 KiB alignment and the 8 MiB staging block.
  for (size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, 8 * kMiB - 1, 8 * kMiB,
                      8 * kMiB + 1, 17 * kMiB + 12345}) {
    SCOPED_TRACE("size " + std::to_string(size));
    const std::string bytes = pattern(size, static_cast<uint32_t>(size));
    auto out = fs_.new_streaming_file(path("data"));
    ASSERT_TRUE(out.ok()) << out.status().to_string();
    // Irregular appends: tiny, odd, larger than a staging block.
    size_t at = 0;
    for (size_t step : {size_t{1}, size_t{7}, kMiB + 3, 9 * kMiB, size_t{4096}}) {
      const size_t n = std::min(step, size - at);
      ASSERT_TRUE((*out)->append(std::string_view(bytes).substr(at, n)).ok());
      at += n;
    }
    ASSERT_TRUE((*out)->append(std::string_view(bytes).substr(at)).ok());
    EXPECT_EQ((*out)->size(), size);
    ASSERT_TRUE((*out)->sync().ok());
    ASSERT_TRUE((*out)->close().ok());
    EXPECT_FALSE((*out)->append("late").ok());
    ASSERT_EQ(*fs_.file_size(path("data")), size);
    EXPECT_TRUE(*fs_.read_file(path("data")) == bytes);
  }
}

TEST_F(DirectIoTest, StreamingFileContinuesAfterAFlush) {
  const std::string first = pattern(9 * kMiB + 5, 1);
  const std::string second = pattern(9 * kMiB, 2);
  auto out = fs_.new_streaming_file(path("data"));
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->append(first).ok());
  ASSERT_TRUE((*out)->flush().ok());
  EXPECT_EQ(*fs_.file_size(path("data")), first.size());  // flushed bytes are in the file
  ASSERT_TRUE((*out)->append(second).ok());
  out->reset();  // the destructor closes
  EXPECT_TRUE(*fs_.read_file(path("data")) == first + second);
}

TEST_F(DirectIoTest, StreamingFileLeavesThePageCacheAlone) {
  if (!direct_io_supported()) GTEST_SKIP() << "no O_DIRECT on " << dir_.path();
  auto out = fs_.new_streaming_file(path("data"));
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->append(pattern(32 * kMiB, 3)).ok());
  ASSERT_TRUE((*out)->close().ok());
  auto mapped = fs_.map_file(path("data"));
  ASSERT_TRUE(mapped.ok());
  EXPECT_FALSE((*mapped)->resident(0, 16 * kMiB)) << "the bytes went through the page cache";
  // Reading them brings them in: resident() reports what is in memory.
  std::string_view all = (*mapped)->data();
  uint64_t sum = 0;
  for (size_t i = 0; i < 16 * kMiB; i += 4096) sum += static_cast<unsigned char>(all[i]);
  EXPECT_GT(sum, 0u);
  EXPECT_TRUE((*mapped)->resident(0, 16 * kMiB));
}

TEST_F(DirectIoTest, UncachedFileReadsInOrderAndAtAnyOffset) {
  const std::string bytes = pattern(3 * 8 * kMiB + 100, 4);
  ASSERT_TRUE(fs_.write_file_atomically(path("data"), bytes).ok());
  auto in = fs_.new_uncached_file(path("data"));
  ASSERT_TRUE(in.ok()) << in.status().to_string();
  EXPECT_EQ((*in)->size(), bytes.size());
  EXPECT_EQ((*in)->path(), path("data"));
  std::vector<char> scratch(bytes.size());
  // A restore's walk: 256 KiB at a time, from start to end.
  for (size_t at = 0; at < bytes.size(); at += 256 * 1024) {
    const size_t n = std::min<size_t>(256 * 1024, bytes.size() - at);
    auto got = (*in)->read(at, n, scratch.data());
    ASSERT_TRUE(got.ok()) << got.status().to_string();
    ASSERT_TRUE(*got == std::string_view(bytes).substr(at, n)) << "at " << at;
  }
  // Lookups out of order, across block boundaries, and past the end.
  for (uint64_t at : {uint64_t{8 * kMiB - 5}, uint64_t{3}, uint64_t{16 * kMiB + 4095},
                      uint64_t{bytes.size() - 10}, uint64_t{9 * kMiB}}) {
    auto got = (*in)->read(at, 20, scratch.data());
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(*got == std::string_view(bytes).substr(at, 20)) << "at " << at;
  }
  auto whole = (*in)->read(0, bytes.size(), scratch.data());
  ASSERT_TRUE(whole.ok());
  EXPECT_TRUE(*whole == bytes);
  EXPECT_EQ(*(*in)->read(bytes.size(), 10, scratch.data()), "");
  EXPECT_EQ(*(*in)->read(bytes.size() + kMiB, 10, scratch.data()), "");
}

TEST_F(DirectIoTest, UncachedFileReadsBackwardsAndAfterJumps) {
  // Read-ahead runs several blocks beyond each read: walking backwards or
  // jumping about must still return the right bytes while those reads fly.
  const std::string bytes = pattern(21 * kMiB + 7, 5);
  ASSERT_TRUE(fs_.write_file_atomically(path("data"), bytes).ok());
  auto in = fs_.new_uncached_file(path("data"));
  ASSERT_TRUE(in.ok()) << in.status().to_string();
  std::vector<char> scratch(kMiB);
  for (int64_t at = static_cast<int64_t>(bytes.size()) - 4096; at >= 0; at -= 700 * 1024) {
    auto got = (*in)->read(static_cast<uint64_t>(at), 4096, scratch.data());
    ASSERT_TRUE(got.ok()) << got.status().to_string();
    ASSERT_TRUE(*got == std::string_view(bytes).substr(static_cast<size_t>(at), 4096))
        << "at " << at;
  }
  uint64_t at = 3;
  for (int jump = 0; jump < 40; ++jump) {
    at = (at * 7919 + 1234567) % bytes.size();
    auto got = (*in)->read(at, kMiB, scratch.data());
    ASSERT_TRUE(got.ok()) << got.status().to_string();
    ASSERT_TRUE(*got == std::string_view(bytes).substr(at, kMiB)) << "at " << at;
  }
}

TEST_F(DirectIoTest, MissingFilesAreNotFoundNamingThePath) {
  auto in = fs_.new_uncached_file(path("absent"));
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.status().code(), StatusCode::kNotFound);
  EXPECT_NE(in.status().message().find(path("absent")), std::string::npos);
  auto out = fs_.new_streaming_file(path("no/such/dir/data"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kNotFound);
  EXPECT_NE(out.status().message().find(path("no/such/dir/data")), std::string::npos);
}

}  // namespace
}  // namespace cairn
