// read_checksummed: every range lands in its destination with the crc32c
// of its bytes, each byte read exactly once, whether the bytes are in memory,
// partly on the "disk" (left to the slow read, in file order, on the calling
// thread), cut across threads, or missing (a file shorter than asked).
#include "cairn/io/checksummed_read.h"

#include <gtest/gtest.h>

#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cairn/io/crc32c.h"

namespace cairn {
namespace {

// A file in memory whose bytes from `cold_from` on are "not in memory":
// read_cached stops there. Counts how often each byte is handed out.
class CountingFile final : public RandomAccessFile {
 public:
  CountingFile(std::string bytes, uint64_t cold_from)
      : bytes_(std::move(bytes)), cold_from_(cold_from), reads_(bytes_.size(), 0) {}

  Result<std::string_view> read(uint64_t offset, size_t n, char* scratch) const override {
    return hand_out(offset, n, scratch, bytes_.size());
  }
  Result<std::string_view> read_cached(uint64_t offset, size_t n, char* scratch) const override {
    return hand_out(offset, n, scratch, std::min<uint64_t>(cold_from_, bytes_.size()));
  }
  uint64_t size() const override { return bytes_.size(); }
  const std::string& path() const override { return path_; }

  // How often byte `i` was read.
  int reads_of(size_t i) const { return reads_[i]; }
  std::string_view bytes(uint64_t offset, uint64_t n) const {
    return std::string_view(bytes_).substr(offset, n);
  }

 private:
  // Bytes [offset, min(offset + n, end)), copied into scratch.
  Result<std::string_view> hand_out(uint64_t offset, size_t n, char* scratch, uint64_t end) const {
    const size_t got = offset >= end ? 0 : static_cast<size_t>(std::min<uint64_t>(n, end - offset));
    std::lock_guard<std::mutex> hold(mu_);
    for (size_t i = 0; i < got; ++i) {
      scratch[i] = bytes_[offset + i];
      ++reads_[offset + i];
    }
    return std::string_view(scratch, got);
  }

  std::string bytes_;
  uint64_t cold_from_;
  std::string path_ = "/data/file.bin";
  mutable std::mutex mu_;
  mutable std::vector<int> reads_;
};

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// Ranges of these sizes laid one after another in the file (a gap of 3
// bytes between them, never read), with a destination each.
struct Layout {
  std::vector<RangeRead> ranges;
  std::vector<std::string> dests;
};

Layout lay_out(const CountingFile& file, const std::vector<uint64_t>& sizes) {
  Layout out;
  out.dests.reserve(sizes.size());
  uint64_t at = 0;
  for (uint64_t size : sizes) {
    out.dests.emplace_back(size, '\0');
    out.ranges.push_back(
        {.file = &file, .offset = at, .size = size, .dest = out.dests.back().data()});
    at += size + 3;
  }
  return out;
}

const std::vector<uint64_t> kSizes = {0, 1, 4095, 4096 + 7, 3 * 4096, 50000, 0, 123457, 9};
constexpr uint64_t kFileBytes = 220000;

// Small chunks and runs, so that ranges are cut across three threads.
ChecksummedReadOptions three_threads() {
  return {.chunk_bytes = 4096, .max_threads = 3, .min_bytes_per_thread = 1};
}

void expect_every_range_read_once(const CountingFile& file, const Layout& layout,
                                  const std::vector<RangeCrc>& got) {
  ASSERT_EQ(got.size(), layout.ranges.size());
  for (size_t i = 0; i < got.size(); ++i) {
    const RangeRead& r = layout.ranges[i];
    ASSERT_TRUE(got[i].status.ok()) << i << ": " << got[i].status.to_string();
    EXPECT_EQ(layout.dests[i], file.bytes(r.offset, r.size)) << "range " << i;
    EXPECT_EQ(got[i].crc, crc32c::value(file.bytes(r.offset, r.size))) << "range " << i;
    for (uint64_t b = r.offset; b < r.offset + r.size; ++b) {
      ASSERT_EQ(file.reads_of(b), 1) << "byte " << b << " of range " << i;
    }
  }
}

TEST(ChecksummedReadTest, RangesInMemoryAreReadOnceAndCheckedAcrossThreads) {
  CountingFile file(random_bytes(kFileBytes, 1), kFileBytes);
  Layout layout = lay_out(file, kSizes);
  expect_every_range_read_once(file, layout, read_checksummed(layout.ranges, three_threads()));
}

TEST(ChecksummedReadTest, DefaultOptionsGiveTheSameBytesAndCrcs) {
  CountingFile file(random_bytes(kFileBytes, 2), kFileBytes);
  Layout layout = lay_out(file, kSizes);
  expect_every_range_read_once(file, layout, read_checksummed(layout.ranges));
}

TEST(ChecksummedReadTest, BytesNotInMemoryAreLeftToTheSlowReadInFileOrderOnTheCaller) {
  for (uint64_t cold_from : {uint64_t{0}, uint64_t{5000}, uint64_t{70001}, uint64_t{150000}}) {
    SCOPED_TRACE(cold_from);
    CountingFile file(random_bytes(kFileBytes, 3), cold_from);
    Layout layout = lay_out(file, kSizes);
    ChecksummedReadOptions options = three_threads();
    std::vector<uint64_t> slow_offsets;
    const std::thread::id caller = std::this_thread::get_id();
    options.slow = [&](size_t range, uint64_t from, uint64_t n, char* to) -> Result<uint32_t> {
      EXPECT_EQ(std::this_thread::get_id(), caller);
      const RangeRead& r = layout.ranges[range];
      EXPECT_EQ(to, r.dest + from);
      slow_offsets.push_back(r.offset + from);
      CAIRN_ASSIGN_OR_RETURN(std::string_view got, file.read(r.offset + from, n, to));
      return crc32c::value(got);
    };
    expect_every_range_read_once(file, layout, read_checksummed(layout.ranges, options));
    EXPECT_FALSE(slow_offsets.empty());
    EXPECT_TRUE(std::is_sorted(slow_offsets.begin(), slow_offsets.end()));
  }
}

TEST(ChecksummedReadTest, RangesMarkedNotInMemoryGoStraightToTheSlowRead) {
  CountingFile file(random_bytes(kFileBytes, 4), kFileBytes);
  Layout layout = lay_out(file, kSizes);
  for (RangeRead& r : layout.ranges) r.try_memory = false;
  uint64_t slow_bytes = 0;
  ChecksummedReadOptions options = three_threads();
  options.slow = [&](size_t range, uint64_t from, uint64_t n, char* to) -> Result<uint32_t> {
    slow_bytes += n;
    const RangeRead& r = layout.ranges[range];
    return read_checksummed_in_order(file, r.offset + from, n, to, 1000);
  };
  expect_every_range_read_once(file, layout, read_checksummed(layout.ranges, options));
  uint64_t total = 0;
  for (uint64_t size : kSizes) total += size;
  EXPECT_EQ(slow_bytes, total);
}

TEST(ChecksummedReadTest, AFileShorterThanARangeIsDataLossNamingItOthersAreRead) {
  CountingFile file(random_bytes(kFileBytes, 5), kFileBytes);
  Layout layout = lay_out(file, kSizes);
  std::string past_end(100, '\0');
  layout.ranges.push_back(
      {.file = &file, .offset = kFileBytes - 40, .size = 100, .dest = past_end.data()});
  for (bool in_memory : {true, false}) {
    layout.ranges.back().try_memory = in_memory;
    const std::vector<RangeCrc> got = read_checksummed(layout.ranges, three_threads());
    ASSERT_EQ(got.size(), kSizes.size() + 1);
    const Status& failed = got.back().status;
    EXPECT_EQ(failed.code(), StatusCode::kDataLoss);
    EXPECT_NE(failed.message().find("/data/file.bin"), std::string::npos) << failed.message();
    EXPECT_NE(failed.message().find(std::to_string(kFileBytes)), std::string::npos)
        << failed.message();
    for (size_t i = 0; i < kSizes.size(); ++i) {
      EXPECT_TRUE(got[i].status.ok()) << i;
      EXPECT_EQ(got[i].crc, crc32c::value(layout.dests[i]));
    }
  }
}

TEST(ChecksummedReadTest, NoRangesReadNothing) { EXPECT_TRUE(read_checksummed({}).empty()); }

}  // namespace
}  // namespace cairn
