#include "cairn/io/crc32c.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cairn/io/coding.h"
#include "testing/test_util.h"

namespace cairn::crc32c {
namespace {

std::string bytes_from(int first, int step) {
  std::string s(32, '\0');
  for (int i = 0; i < 32; ++i) s[i] = static_cast<char>(first + step * i);
  return s;
}

// Checks extend() and extend_portable() both give `expected` for `data`.
void expect_crc(const std::string& data, uint32_t expected) {
  EXPECT_EQ(value(data), expected);
  EXPECT_EQ(extend_portable(0, data.data(), data.size()), expected);
}

TEST(Crc32cTest, StandardVectors) {
  expect_crc("123456789", 0xe3069283u);
  expect_crc(std::string(32, '\0'), 0x8a9136aau);
  expect_crc(std::string(32, '\xff'), 0x62a8ab43u);
  expect_crc(bytes_from(0, 1), 0x46dd794eu);
  expect_crc(bytes_from(31, -1), 0x113fdb5cu);
  expect_crc("", 0u);
}

TEST(Crc32cTest, ExtendEqualsValueOfConcatenation) {
  std::string a = "hello ", b = "world, this is longer than eight bytes";
  uint32_t whole = value(a + b);
  EXPECT_EQ(extend(value(a), b.data(), b.size()), whole);
  EXPECT_EQ(extend_portable(extend_portable(0, a.data(), a.size()), b.data(), b.size()), whole);
  EXPECT_NE(value(a), value(b));
}

TEST(Crc32cTest, PortableMatchesHardwareForRandomLengthsAndOffsets) {
  if (!hardware_accelerated()) GTEST_SKIP() << "CPU lacks SSE4.2; only the portable path exists";
  std::mt19937 rng(301);
  std::vector<unsigned char> buf(1100);
  for (auto& b : buf) b = static_cast<unsigned char>(rng());
  for (size_t len = 0; len <= 1000; ++len) {
    size_t start = len % 16;  // misaligned starts
    const unsigned char* p = buf.data() + start;
    uint32_t seed = static_cast<uint32_t>(rng());
    ASSERT_EQ(extend(seed, p, len), extend_portable(seed, p, len)) << len << " at " << start;
  }
}

// Long inputs take the three-stream path (stripes of 4 KiB joined by shift
// tables): lengths around multiples of 12 KiB, misaligned, from any register.
TEST(Crc32cTest, PortableMatchesHardwareOnLongInputs) {
  if (!hardware_accelerated()) GTEST_SKIP() << "CPU lacks SSE4.2; only the portable path exists";
  std::mt19937 rng(77);
  std::vector<unsigned char> buf(5 * 12288 + 64);
  for (auto& b : buf) b = static_cast<unsigned char>(rng());
  for (size_t base : {size_t{12288}, size_t{24576}, size_t{49152}}) {
    for (size_t len = base - 9; len <= base + 9; ++len) {
      const unsigned char* p = buf.data() + len % 7;
      uint32_t seed = static_cast<uint32_t>(rng());
      ASSERT_EQ(extend(seed, p, len), extend_portable(seed, p, len)) << len;
    }
  }
  // Split anywhere, the pieces extend to the crc of the whole.
  const uint32_t whole = extend(0, buf.data(), buf.size());
  for (size_t cut : {size_t{1}, size_t{4097}, size_t{12288}, size_t{30000}}) {
    EXPECT_EQ(extend(extend(0, buf.data(), cut), buf.data() + cut, buf.size() - cut), whole);
  }
}

// Pieces checksummed apart (as threads do) join to the crc of the whole,
// wherever the cut falls, empty pieces included.
TEST(Crc32cTest, CombineOfPiecesEqualsTheCrcOfTheWhole) {
  std::mt19937 rng(2026);
  std::vector<unsigned char> buf(3 * 12288 + 77);
  for (auto& b : buf) b = static_cast<unsigned char>(rng());
  const uint32_t whole = value(buf.data(), buf.size());
  for (size_t cut : {size_t{0}, size_t{1}, size_t{7}, size_t{4096}, size_t{20000}, buf.size()}) {
    const uint32_t a = value(buf.data(), cut);
    const uint32_t b = value(buf.data() + cut, buf.size() - cut);
    EXPECT_EQ(combine(a, b, buf.size() - cut), whole) << "cut at " << cut;
  }
  const size_t third = buf.size() / 3;
  const uint32_t ab = combine(value(buf.data(), third), value(buf.data() + third, third), third);
  const uint32_t c = value(buf.data() + 2 * third, buf.size() - 2 * third);
  EXPECT_EQ(combine(ab, c, buf.size() - 2 * third), whole);
  EXPECT_EQ(combine(value("123"), value("456789"), 6), 0xe3069283u);
}

// A length past 4 GiB: combine() moves the register by x^(8n) for 64-bit n;
// checked against moving it byte by byte over a run of zeros it can afford.
TEST(Crc32cTest, CombineWithLongZeroRunsMatchesExtend) {
  const std::vector<unsigned char> zeros(1 << 20, 0);
  const uint32_t a = value("prefix");
  uint32_t extended = a;
  for (int i = 0; i < 5; ++i) extended = extend(extended, zeros.data(), zeros.size());
  EXPECT_EQ(combine(a, value(zeros.data(), 0), 0), a);
  // crc(A 0^n) = combine(crc(A), crc(0^n), n), and crc(0^n) is extend over zeros.
  uint32_t zero_run = 0;
  for (int i = 0; i < 5; ++i) zero_run = extend(zero_run, zeros.data(), zeros.size());
  EXPECT_EQ(combine(a, zero_run, 5u << 20), extended);
  EXPECT_NE(combine(a, zero_run, (5u << 20) + (uint64_t{1} << 32)), extended);
}

TEST(Crc32cTest, MaskRoundTrips) {
  for (uint32_t c : {0u, 1u, 0xe3069283u, 0xffffffffu, 0x80000000u}) {
    EXPECT_NE(mask(c), c);
    EXPECT_EQ(unmask(mask(c)), c);
    EXPECT_NE(mask(mask(c)), mask(c));
  }
  static_assert(mask(0) == kMaskDelta);
  static_assert(unmask(kMaskDelta) == 0);
}

std::string read_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A record written by TensorFlow: u64 length, masked crc of the length,
// payload, masked crc of the payload.
TEST(Crc32cTest, MatchesTensorFlowTfRecordCrcs) {
  auto fixtures = cairn::testing::fixtures_dir();
  if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
  std::string record =
      read_binary(*fixtures + "/tensorflow-rust/test_resources/io/expected.tfrecord");
  const std::string payload = "The Quick Brown Fox";
  ASSERT_EQ(record.size(), 8 + 4 + payload.size() + 4);
  std::string length;
  put_fixed64(&length, payload.size());
  EXPECT_EQ(record.substr(0, 8), length);
  EXPECT_EQ(record.substr(12, payload.size()), payload);
  EXPECT_EQ(decode_fixed32(record.data() + 8), mask(value(length)));
  EXPECT_EQ(decode_fixed32(record.data() + 12 + payload.size()), mask(value(payload)));
}

}  // namespace
}  // namespace cairn::crc32c
