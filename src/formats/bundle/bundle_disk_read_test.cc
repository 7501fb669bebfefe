// Bundles on the real disk, read the three ways BundleReader reads data:
// from the page cache (resident), through direct I/O (a cold restore walking
// tensors in order, or one tensor larger than the read-ahead window),
// and from the mapping (a lone tensor looked up lazily). Every way must give
// the bytes saved and catch a corrupted byte, naming the file and tensor.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

// Distinct values everywhere, so a block read from the wrong offset shows.
Tensor ramp_vector(int64_t n, float start) {
  Tensor t(DType::kFloat32, {n});
  float v = start;
  for (float& x : t.flat<float>()) x = (v += 0.5f);
  return t;
}

class BundleDiskReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Names sort in the order they are written: a restore walks the file.
    tensors_ = {{"a_small", ramp_vector(100, 0)},         // 400 bytes
                {"b_large", ramp_vector(5 << 20, 1e3f)},  // 20 MiB: larger than the window
                {"c_mid0", ramp_vector(64 << 10, 2e3f)},  // 256 KiB each, in order
                {"c_mid1", ramp_vector(64 << 10, 3e3f)},
                {"c_mid2", ramp_vector((64 << 10) + 3, 4e3f)},  // not a multiple of 4 KiB
                {"d_tail", ramp_vector(7, 5e3f)}};
    auto writer = BundleWriter::create(fs_, prefix());
    ASSERT_TRUE(writer.ok()) << writer.status().to_string();
    for (const auto& [name, tensor] : tensors_) ASSERT_TRUE((*writer)->add(name, tensor).ok());
    ASSERT_TRUE((*writer)->finish().ok());
  }

  std::string prefix() const { return dir_.path() + "/model.ckpt-1"; }
  std::string data_path() const { return bundle_data_path(prefix(), 0, 1); }

  // Drops the data file from the page cache: the next read comes from disk.
  void evict() const {
    const int fd = ::open(data_path().c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }

  bool direct_io_supported() const {
    const int fd = ::open((dir_.path() + "/probe").c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0644);
    if (fd < 0) return false;
    ::close(fd);
    return true;
  }

  // Flips one byte of tensor `name`'s stored bytes, `at` bytes into it.
  void corrupt(const std::string& name, uint64_t at) const {
    auto reader = BundleReader::open(fs_, prefix());
    ASSERT_TRUE(reader.ok());
    const BundleEntry* e = (*reader)->find(name);
    ASSERT_NE(e, nullptr);
    const int fd = ::open(data_path().c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    char byte = 0;
    ASSERT_EQ(::pread(fd, &byte, 1, static_cast<off_t>(e->offset + at)), 1);
    byte = static_cast<char>(byte ^ 0x40);
    ASSERT_EQ(::pwrite(fd, &byte, 1, static_cast<off_t>(e->offset + at)), 1);
    ::fsync(fd);
    ::close(fd);
  }

  void expect_all_restored() const {
    auto reader = BundleReader::open(fs_, prefix());
    ASSERT_TRUE(reader.ok()) << reader.status().to_string();
    for (const auto& [name, tensor] : tensors_) {
      auto got = (*reader)->read(name);
      ASSERT_TRUE(got.ok()) << name << ": " << got.status().to_string();
      EXPECT_TRUE(*got == tensor) << name;
    }
  }

  cairn::testing::TempDir dir_;
  FileSystem& fs_ = default_file_system();
  std::vector<std::pair<std::string, Tensor>> tensors_;
};

TEST_F(BundleDiskReadTest, ColdWarmAndLazyRestoresGiveTheSavedTensors) {
  evict();
  expect_all_restored();        // cold: direct I/O for the large ones
  if (direct_io_supported()) {  // and they did not go through the page cache
    auto reader = BundleReader::open(fs_, prefix());
    ASSERT_TRUE(reader.ok());
    const BundleEntry* large = (*reader)->find("b_large");
    auto mapped = fs_.map_file(data_path());
    ASSERT_TRUE(mapped.ok());
    EXPECT_FALSE((*mapped)->resident(large->offset + (1 << 20), 8 << 20));
  }
  expect_all_restored();  // again, whatever is cached now
  evict();
  auto reader = BundleReader::open(fs_, prefix());
  ASSERT_TRUE(reader.ok());
  for (const char* name : {"c_mid1", "b_large", "a_small", "c_mid2"}) {  // out of order
    auto got = (*reader)->read(name);
    ASSERT_TRUE(got.ok()) << name;
    for (const auto& [saved_name, tensor] : tensors_) {
      if (saved_name == name) {
        EXPECT_TRUE(*got == tensor) << name;
      }
    }
  }
}

TEST_F(BundleDiskReadTest, ACorruptByteIsCaughtOnTheColdPath) {
  for (const auto& [name, at] :
       {std::pair<std::string, uint64_t>{"b_large", 13 << 20}, {"c_mid2", 256 << 10}}) {
    SCOPED_TRACE(name);
    corrupt(name, at);
    evict();
    auto reader = BundleReader::open(fs_, prefix());
    ASSERT_TRUE(reader.ok());
    Status first_error;
    for (const auto& [n, tensor] : tensors_) {  // a restore: every tensor in order
      auto got = (*reader)->read(n);
      if (!got.ok() && first_error.ok()) first_error = got.status();
    }
    EXPECT_EQ(first_error.code(), StatusCode::kDataLoss);
    EXPECT_NE(first_error.message().find("tensor '" + name + "'"), std::string::npos)
        << first_error.message();
    EXPECT_NE(first_error.message().find(data_path()), std::string::npos);
    EXPECT_NE(first_error.message().find("checksum mismatch"), std::string::npos);
    corrupt(name, at);  // flip it back for the next case
  }
}

TEST_F(BundleDiskReadTest, ReadIntoFillsExistingTensorsColdAndWarm) {
  std::vector<std::pair<std::string, Tensor>> model;
  for (const auto& [name, tensor] : tensors_) {
    model.emplace_back(name, Tensor(tensor.dtype(), tensor.shape()));  // zeros, same shapes
  }
  for (bool cold : {true, false}) {
    if (cold) evict();
    auto reader = BundleReader::open(fs_, prefix());
    ASSERT_TRUE(reader.ok());
    for (auto& [name, tensor] : model) {
      const void* buffer = tensor.data();
      ASSERT_TRUE((*reader)->read_into(name, &tensor).ok()) << name;
      EXPECT_EQ(tensor.data(), buffer) << name;  // the same memory, filled in place
      tensor = Tensor(tensor.dtype(), tensor.shape());
    }
  }
  auto reader = BundleReader::open(fs_, prefix());
  ASSERT_TRUE(reader.ok());
  for (size_t i = 0; i < model.size(); ++i) {
    ASSERT_TRUE((*reader)->read_into(model[i].first, &model[i].second).ok());
    EXPECT_TRUE(model[i].second == tensors_[i].second) << model[i].first;
  }
}

TEST_F(BundleDiskReadTest, ReadIntoRefusesAnotherShapeOrDtypeAndCatchesCorruption) {
  auto reader = BundleReader::open(fs_, prefix());
  ASSERT_TRUE(reader.ok());
  Tensor wrong_shape(DType::kFloat32, {10, 10});
  Status s = (*reader)->read_into("a_small", &wrong_shape);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'a_small'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("float32 [100]"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("float32 [10, 10]"), std::string::npos) << s.message();
  Tensor wrong_dtype(DType::kFloat64, {100});
  s = (*reader)->read_into("a_small", &wrong_dtype);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("float64 [100]"), std::string::npos) << s.message();
  EXPECT_EQ(wrong_dtype, Tensor(DType::kFloat64, {100}));  // untouched
  EXPECT_EQ((*reader)->read_into("no_such", &wrong_dtype).code(), StatusCode::kNotFound);

  corrupt("c_mid1", 1000);
  evict();
  auto again = BundleReader::open(fs_, prefix());
  ASSERT_TRUE(again.ok());
  Tensor into(DType::kFloat32, {64 << 10});
  s = (*again)->read_into("c_mid1", &into);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("tensor 'c_mid1'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("checksum mismatch"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace cairn
