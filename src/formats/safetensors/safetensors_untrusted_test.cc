// SafetensorsReader on crafted and damaged files: every bound the format
// implies is checked, and each failure is a DATA_LOSS (UNIMPLEMENTED for an
// unknown dtype) naming the file, the tensor and the check; never a crash,
// never an allocation beyond what the file holds.
#include <gtest/gtest.h>

#include "cairn/formats/safetensors/safetensors_reader.h"
#include "cairn/formats/safetensors/safetensors_writer.h"
#include "cairn/io/coding.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

const std::string kPath = "/crafted.safetensors";

// A file of header text `header` and byte buffer `buffer`.
std::string craft_safetensors(const std::string& header, const std::string& buffer = "") {
  std::string file;
  put_fixed64(&file, header.size());
  return file + header + buffer;
}

Status open_status(const std::string& bytes) {
  MemoryFileSystem fs;
  EXPECT_TRUE(fs.write_file_atomically(kPath, bytes).ok());
  auto reader = SafetensorsReader::open(fs, kPath);
  return reader.ok() ? ok_status() : reader.status();
}

void expect_refused(const std::string& bytes, std::vector<std::string> wanted,
                    StatusCode code = StatusCode::kDataLoss) {
  Status s = open_status(bytes);
  ASSERT_FALSE(s.ok()) << "accepted: " << bytes.substr(8);
  EXPECT_EQ(s.code(), code) << s.to_string();
  wanted.push_back(kPath);
  for (const std::string& w : wanted) {
    EXPECT_NE(s.message().find(w), std::string::npos) << "no '" << w << "' in " << s.to_string();
  }
}

const std::string k8Bytes(8, '\0');

TEST(SafetensorsUntrustedTest, ShortFilesAndBadHeaderLengths) {
  expect_refused("", {"too short"});
  expect_refused("\x01\x02\x03", {"too short"});
  std::string huge;
  put_fixed64(&huge, uint64_t{1} << 63);
  expect_refused(huge + "{}", {"exceeds the limit"});
  std::string past;
  put_fixed64(&past, 100);
  expect_refused(past + "{}", {"runs past the end of the file"});
}

TEST(SafetensorsUntrustedTest, HeadersThatAreNotAnObjectOfTensors) {
  expect_refused(craft_safetensors("{nope"), {"not valid JSON"});
  expect_refused(craft_safetensors("[]"), {"not a JSON object"});
  expect_refused(craft_safetensors("{\"w\": {\"shape\": [[[[1]]]]}}"), {"deeper than"});
  expect_refused(craft_safetensors("{\"w\": \"\xff\xfe\"}"), {"not valid JSON"});
  expect_refused(craft_safetensors("{\"w\": 3}"), {"tensor 'w'", "not a JSON object"});
  expect_refused(craft_safetensors(R"({"__metadata__": [1]})"), {"__metadata__"});
  expect_refused(craft_safetensors(R"({"__metadata__": {"a": 1}})"), {"__metadata__ \"a\""});
}

TEST(SafetensorsUntrustedTest, DtypesAndShapes) {
  expect_refused(craft_safetensors(R"({"w": {"shape": [], "data_offsets": [0, 0]}})"),
                 {"tensor 'w'", "dtype"});
  expect_refused(
      craft_safetensors(R"({"w": {"dtype": "F4", "shape": [], "data_offsets": [0, 1]}})", "x"),
      {"tensor 'w'", "\"F4\""}, StatusCode::kUnimplemented);
  expect_refused(
      craft_safetensors(R"({"w": {"dtype": "F32", "shape": 3, "data_offsets": [0, 4]}})", "abcd"),
      {"tensor 'w'", "shape"});
  for (const char* dim : {"-1", "1.5", "\"2\"", "18446744073709551615"}) {
    expect_refused(craft_safetensors(std::string(R"({"w": {"dtype": "U8", "shape": [)") + dim +
                                         R"(], "data_offsets": [0, 1]}})",
                                     "x"),
                   {"tensor 'w'", "dimension"});
  }
  std::string rank300 = "[1";
  for (int i = 1; i < 300; ++i) rank300 += ",1";
  expect_refused(
      craft_safetensors(
          R"({"w": {"dtype": "U8", "shape": )" + rank300 + R"(], "data_offsets": [0, 1]}})", "x"),
      {"tensor 'w'", "300 dimensions"});
  expect_refused(
      craft_safetensors(R"({"w": {"dtype": "F64", "shape": [4294967296, 4294967296, 16],)"
                        R"( "data_offsets": [0, 8]}})",
                        k8Bytes),
      {"tensor 'w'", "larger than the buffer"});
}

TEST(SafetensorsUntrustedTest, OffsetsOutsideOrMismatched) {
  const std::string f32 = R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": )";
  expect_refused(craft_safetensors(f32 + "[0]}}", k8Bytes), {"tensor 'w'", "data_offsets"});
  expect_refused(craft_safetensors(f32 + "[-8, 0]}}", k8Bytes), {"tensor 'w'", "non-negative"});
  expect_refused(craft_safetensors(f32 + "[8, 0]}}", k8Bytes),
                 {"tensor 'w'", "outside the 8-byte buffer"});
  expect_refused(craft_safetensors(f32 + "[4, 12]}}", k8Bytes), {"tensor 'w'", "outside"});
  expect_refused(craft_safetensors(f32 + "[0, 18446744073709551615]}}", k8Bytes), {"tensor 'w'"});
  expect_refused(craft_safetensors(f32 + "[0, 4]}}", k8Bytes),
                 {"tensor 'w'", "spanning 4 bytes", "take 8"});
}

TEST(SafetensorsUntrustedTest, OverlapsHolesAndUncoveredBytes) {
  expect_refused(
      craft_safetensors(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
                        R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
                        std::string(12, 'x')),
      {"tensor 'b'", "tensor 'a' ends at 8", "overlapping"});
  expect_refused(
      craft_safetensors(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},)"
                        R"( "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})",
                        std::string(12, 'x')),
      {"tensor 'b'", "a hole"});
  expect_refused(craft_safetensors(
                     R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", k8Bytes),
                 {"tensor 'a'", "the buffer starts at 0"});
  expect_refused(craft_safetensors(
                     R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", k8Bytes),
                 {"cover 4 bytes", "holds 8"});
  expect_refused(craft_safetensors("{}", "x"), {"cover 0 bytes"});
}

TEST(SafetensorsUntrustedTest, ABoolThatIsNeither0Nor1IsRefusedOnRead) {
  MemoryFileSystem fs;
  ASSERT_TRUE(fs.write_file_atomically(
                    kPath, craft_safetensors(
                               R"({"m": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}})",
                               std::string("\x01\x02", 2)))
                  .ok());
  auto reader = SafetensorsReader::open(fs, kPath);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto m = (*reader)->read("m");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("tensor 'm'"), std::string::npos);
  EXPECT_EQ((*reader)->read("nope").status().code(), StatusCode::kNotFound);
}

std::string valid_file() {
  MemoryFileSystem fs;
  Tensor a = Tensor::from_vector<float>({1, 2, 3}, {3});
  Tensor b = Tensor::scalar<int64_t>(5);
  std::vector<SafetensorsTensor> tensors = {{"a", &a}, {"b", &b}};
  EXPECT_TRUE(write_safetensors(fs, "/v", tensors, {{"k", "v"}}).ok());
  return *fs.read_file("/v");
}

TEST(SafetensorsUntrustedTest, EveryTruncationIsRefusedNamingTheFile) {
  const std::string file = valid_file();
  ASSERT_TRUE(open_status(file).ok());
  for (size_t n = 0; n < file.size(); ++n) {
    Status s = open_status(file.substr(0, n));
    ASSERT_FALSE(s.ok()) << "truncated to " << n;
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
    EXPECT_NE(s.message().find(kPath), std::string::npos) << s.to_string();
  }
}

TEST(SafetensorsUntrustedTest, EveryBitFlipOpensOrFailsCleanly) {
  const std::string file = valid_file();
  for (size_t i = 0; i < file.size(); ++i) {
    for (int bit : {0, 3, 7}) {
      std::string bad = file;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      MemoryFileSystem fs;
      ASSERT_TRUE(fs.write_file_atomically(kPath, bad).ok());
      auto reader = SafetensorsReader::open(fs, kPath);
      if (!reader.ok()) {
        EXPECT_NE(reader.status().message().find(kPath), std::string::npos);
        continue;
      }
      for (const SafetensorsEntry& e : (*reader)->entries()) (void)(*reader)->read(e.name);
    }
  }
}

}  // namespace
}  // namespace cairn
