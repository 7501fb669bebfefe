// RecordWriter and RecordReader: round trips, TensorFlow's own TFRecord file
// (byte for byte), and damage: every single-byte corruption and every
// truncation of a file is reported, never crashes, never over-allocates.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "cairn/io/coding.h"
#include "cairn/io/crc32c.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/io/record_reader.h"
#include "cairn/io/record_writer.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

constexpr const char* kPath = "/records/data.tfrecord";

using testing::contains;

class RecordIoTest : public ::testing::Test {
 protected:
  void write(const std::vector<std::string>& records) {
    auto writer = RecordWriter::create(fs_, kPath);
    ASSERT_TRUE(writer.ok()) << writer.status().to_string();
    for (const auto& r : records) ASSERT_TRUE((*writer)->write_record(r).ok());
    ASSERT_TRUE((*writer)->close().ok());
  }

  Result<std::vector<std::string>> read(RecordReaderOptions options = {}) {
    return read_all_records(fs_, kPath, options);
  }

  std::string& contents() { return *fs_.mutable_contents(kPath); }

  MemoryFileSystem fs_;
};

TEST_F(RecordIoTest, RoundTripsRecordsOfManySizes) {
  std::mt19937 rng(7);
  std::vector<std::string> records = {"", "x", std::string(1 << 16, '\0')};
  for (int i = 0; i < 50; ++i) {
    std::string r(rng() % 3000, '\0');
    for (char& c : r) c = static_cast<char>(rng());
    records.push_back(r);
  }
  write(records);
  auto got = read();
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(*got, records);
}

TEST_F(RecordIoTest, EmptyFileHasNoRecords) {
  write({});
  auto got = read();
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

TEST_F(RecordIoTest, ReadingAtTheEndIsOutOfRange) {
  write({"abc"});
  auto file = fs_.new_random_access_file(kPath);
  ASSERT_TRUE(file.ok());
  RecordReader reader(**file);
  uint64_t offset = 0;
  ASSERT_TRUE(reader.read_record(&offset).ok());
  EXPECT_EQ(offset, 3 + kRecordOverhead);
  EXPECT_TRUE(reader.at_end(offset));
  auto end = reader.read_record(&offset);
  EXPECT_EQ(end.status().code(), StatusCode::kOutOfRange);
  EXPECT_TRUE(contains(end.status().message(), "end of file"));
}

TEST_F(RecordIoTest, FramingMatchesTheLayout) {
  std::string framed;
  append_framed_record(&framed, "hello");
  ASSERT_EQ(framed.size(), 5 + kRecordOverhead);
  EXPECT_EQ(framed.substr(0, 8), std::string("\x05\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(decode_fixed32(framed.data() + 8), crc32c::mask(crc32c::value(framed.data(), 8)));
  EXPECT_EQ(framed.substr(12, 5), "hello");
  EXPECT_EQ(decode_fixed32(framed.data() + 17), crc32c::mask(crc32c::value("hello")));
}

TEST_F(RecordIoTest, EverySingleByteCorruptionIsDataLoss) {
  write({"first record", "", "third, a little longer record"});
  const std::string pristine = contents();
  for (size_t i = 0; i < pristine.size(); ++i) {
    for (int flip : {0x01, 0x80, 0xff}) {
      contents() = pristine;
      contents()[i] = static_cast<char>(contents()[i] ^ flip);
      auto got = read();
      ASSERT_FALSE(got.ok()) << "byte " << i << " flip " << flip;
      EXPECT_EQ(got.status().code(), StatusCode::kDataLoss) << got.status().to_string();
      EXPECT_TRUE(contains(got.status().message(), kPath)) << got.status().to_string();
      EXPECT_TRUE(contains(got.status().message(), "offset")) << got.status().to_string();
    }
  }
}

TEST_F(RecordIoTest, EveryTruncationIsReported) {
  write({"alpha", "beta", "gamma gamma"});
  const std::string pristine = contents();
  const std::vector<size_t> boundaries = {0, 5 + kRecordOverhead, 9 + 2 * kRecordOverhead,
                                          pristine.size()};
  for (size_t len = 0; len < pristine.size(); ++len) {
    contents() = pristine.substr(0, len);
    bool at_boundary = std::find(boundaries.begin(), boundaries.end(), len) != boundaries.end();
    auto strict = read();
    auto tolerant = read({.truncated_tail_is_out_of_range = true});
    if (at_boundary) {
      EXPECT_TRUE(strict.ok()) << len;
      EXPECT_TRUE(tolerant.ok()) << len;
      continue;
    }
    ASSERT_FALSE(strict.ok()) << len;
    EXPECT_EQ(strict.status().code(), StatusCode::kDataLoss) << len;
    EXPECT_TRUE(contains(strict.status().message(), "truncated record at offset")) << len;
    ASSERT_FALSE(tolerant.ok()) << len;
    EXPECT_EQ(tolerant.status().code(), StatusCode::kOutOfRange) << len;
    EXPECT_TRUE(contains(tolerant.status().message(), "truncated record at end of file"));
  }
}

// A reader following a file still being written stops at the partial record
// and, once the writer has finished it, reads it from the same offset.
TEST_F(RecordIoTest, TailingReaderResumesAfterPartialRecord) {
  std::string full;
  append_framed_record(&full, "one");
  append_framed_record(&full, "two");
  ASSERT_TRUE(fs_.write_file_atomically(kPath, full.substr(0, full.size() - 2)).ok());
  RecordReaderOptions tailing{.truncated_tail_is_out_of_range = true};
  uint64_t offset = 0;
  {
    auto file = fs_.new_random_access_file(kPath);
    ASSERT_TRUE(file.ok());
    RecordReader reader(**file, tailing);
    auto one = reader.read_record(&offset);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(*one, "one");
    const uint64_t before = offset;
    auto partial = reader.read_record(&offset);
    EXPECT_EQ(partial.status().code(), StatusCode::kOutOfRange);
    EXPECT_EQ(offset, before);
  }
  ASSERT_TRUE(fs_.write_file_atomically(kPath, full).ok());
  auto file = fs_.new_random_access_file(kPath);
  ASSERT_TRUE(file.ok());
  RecordReader reader(**file, tailing);
  auto two = reader.read_record(&offset);
  ASSERT_TRUE(two.ok()) << two.status().to_string();
  EXPECT_EQ(*two, "two");
  EXPECT_TRUE(reader.at_end(offset));
}

TEST_F(RecordIoTest, HugeClaimedLengthDoesNotAllocate) {
  // A header whose length crc is valid but whose length exceeds the file.
  std::string bytes;
  put_fixed64(&bytes, uint64_t{1} << 62);
  put_fixed32(&bytes, crc32c::mask(crc32c::value(bytes)));
  bytes += "tiny";
  ASSERT_TRUE(fs_.write_file_atomically(kPath, bytes).ok());
  auto got = read();
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
  EXPECT_TRUE(contains(got.status().message(), "truncated record at offset 0"));
}

TEST_F(RecordIoTest, WriterErrorIsSticky) {
  fs_.set_capacity(40);
  auto writer = RecordWriter::create(fs_, kPath);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->write_record("short").ok());
  Status full = (*writer)->write_record(std::string(100, 'x'));
  EXPECT_EQ(full.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ((*writer)->write_record("x"), full);
}

class RecordFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::fixtures_dir();
    if (!dir) GTEST_SKIP() << testing::kNoSharedMessage;
    path_ = *dir + "/tensorflow-rust/test_resources/io/expected.tfrecord";
  }
  std::string path_;
};

TEST_F(RecordFixtureTest, TensorFlowFileHoldsOneRecord) {
  auto got = read_all_records(default_file_system(), path_);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0], "The Quick Brown Fox");
}

TEST_F(RecordFixtureTest, WriterReproducesTensorFlowBytes) {
  auto expected = default_file_system().read_file(path_);
  ASSERT_TRUE(expected.ok());
  ASSERT_EQ(expected->size(), 35u);
  MemoryFileSystem fs;
  auto writer = RecordWriter::create(fs, "/out.tfrecord");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->write_record("The Quick Brown Fox").ok());
  ASSERT_TRUE((*writer)->close().ok());
  EXPECT_EQ(*fs.mutable_contents("/out.tfrecord"), *expected);
}

}  // namespace
}  // namespace cairn
