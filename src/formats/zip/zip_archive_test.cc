// ZIP archives: what we write, Python's zipfile (a reader we did not write)
// reads; what we read is bounded and checked: truncated or bit-flipped
// archives, entries declaring more than allowed and missing entries give
// errors naming the archive and the entry, never a crash.
#include "cairn/formats/zip/zip_archive.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "testing/test_util.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

std::vector<ZipEntry> sample_entries() {
  return {{"metadata.json", R"({"keras_version": "3.10.0"})"},
          {"config.json", std::string(3000, 'c')},
          {"model.weights.h5", std::string("\x89HDF\r\n\x1a\n", 8) + std::string(5000, '\0')}};
}

std::string sample_archive() {
  Result<std::string> bytes = write_zip(sample_entries());
  EXPECT_TRUE(bytes.ok()) << bytes.status().to_string();
  return bytes.ok() ? *bytes : "";
}

TEST(ZipArchiveTest, RoundTripKeepsEntriesAndTheirOrder) {
  Result<ZipReader> zip = ZipReader::open(sample_archive(), "m.keras");
  ASSERT_TRUE(zip.ok()) << zip.status().to_string();
  EXPECT_EQ(zip->entry_names(),
            (std::vector<std::string>{"metadata.json", "config.json", "model.weights.h5"}));
  for (const ZipEntry& e : sample_entries()) {
    Result<std::string> back = zip->read(e.name, 1 << 20);
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(*back, e.bytes) << e.name;
  }
}

TEST(ZipArchiveTest, PythonZipfileReadsOurArchiveStoredLikeKeras) {
  if (!cairn::testing::python_has_modules("zipfile")) GTEST_SKIP() << "no /usr/bin/python3";
  cairn::testing::TempDir dir;
  std::ofstream(dir.path() + "/m.keras", std::ios::binary) << sample_archive();
  auto run = cairn::testing::run_command(
      "/usr/bin/python3 -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
      "assert z.testzip() is None; "
      "print(' '.join('%s:%d:%d' % (i.filename, i.compress_type, i.file_size) for i in "
      "z.infolist()))\" " +
      dir.path() + "/m.keras");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "metadata.json:0:27 config.json:0:3000 model.weights.h5:0:5008\n");
}

TEST(ZipArchiveTest, EveryTruncationIsDataLossNamingTheArchive) {
  const std::string bytes = sample_archive();
  for (size_t keep = 0; keep < bytes.size(); keep += 97) {
    Result<ZipReader> zip = ZipReader::open(bytes.substr(0, keep), "cut.keras");
    ASSERT_FALSE(zip.ok()) << keep;
    EXPECT_EQ(zip.status().code(), StatusCode::kDataLoss) << keep;
    EXPECT_THAT(zip.status().message(), HasSubstr("cut.keras"));
  }
}

TEST(ZipArchiveTest, FlippedByteInAnEntryIsDataLossNamingTheEntry) {
  std::string bytes = sample_archive();
  const size_t at = bytes.find(std::string(3000, 'c'));
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1500] ^= 0x01;
  Result<ZipReader> zip = ZipReader::open(bytes, "flip.keras");
  ASSERT_TRUE(zip.ok()) << zip.status().to_string();
  Result<std::string> config = zip->read("config.json", 1 << 20);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(config.status().message(), HasSubstr("flip.keras: entry 'config.json'"));
  EXPECT_TRUE(zip->read("metadata.json", 1 << 20).ok());  // the others are intact
}

TEST(ZipArchiveTest, EntryDeclaringMoreThanTheBoundIsRefusedBeforeReading) {
  Result<ZipReader> zip = ZipReader::open(sample_archive(), "m.keras");
  ASSERT_TRUE(zip.ok());
  Result<std::string> weights = zip->read("model.weights.h5", 4096);
  ASSERT_FALSE(weights.ok());
  EXPECT_EQ(weights.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(weights.status().message(),
              HasSubstr("m.keras: entry 'model.weights.h5' declares 5008 bytes"));
}

TEST(ZipArchiveTest, SizeLyingInTheCentralDirectoryIsRefused) {
  std::string bytes = sample_archive();
  // Central directory record of config.json: signature PK\1\2, its
  // uncompressed size at offset 24 (APPNOTE 4.3.12).
  const size_t central = bytes.find(std::string("PK\x01\x02", 4), bytes.find("config.json") - 60);
  ASSERT_NE(central, std::string::npos);
  for (size_t i = 0; i < 4; ++i) bytes[central + 24 + i] = static_cast<char>(0x7f);
  Result<ZipReader> zip = ZipReader::open(bytes, "lie.keras");
  if (!zip.ok()) {  // ZIP_CHECKCONS: the local header disagrees
    EXPECT_EQ(zip.status().code(), StatusCode::kDataLoss);
    EXPECT_THAT(zip.status().message(), HasSubstr("lie.keras"));
    return;
  }
  Result<std::string> config = zip->read("config.json", 1 << 20);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("lie.keras: entry 'config.json'"));
}

TEST(ZipArchiveTest, MissingEntryIsNotFound) {
  Result<ZipReader> zip = ZipReader::open(sample_archive(), "m.keras");
  ASSERT_TRUE(zip.ok());
  EXPECT_FALSE(zip->has_entry("assets/vocab.txt"));
  Result<std::string> missing = zip->read("assets/vocab.txt", 1 << 20);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("m.keras: no entry 'assets/vocab.txt'"));
}

TEST(ZipArchiveTest, NotAZipIsDataLoss) {
  Result<ZipReader> zip = ZipReader::open(std::string("\x89HDF\r\n\x1a\n", 8) + "xx", "old.keras");
  ASSERT_FALSE(zip.ok());
  EXPECT_EQ(zip.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(zip.status().message(), HasSubstr("old.keras: not a valid ZIP archive"));
}

TEST(ZipArchiveTest, RepeatedOrEmptyNamesAreRefused) {
  EXPECT_EQ(write_zip({{"a", "1"}, {"a", "2"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(write_zip({{"", "1"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn
