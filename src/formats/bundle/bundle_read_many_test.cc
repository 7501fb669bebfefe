// BundleReader::read_many_into, the one-pass restore: many tensors filled in
// their own memory in one call, each crc checked, on the in-memory file
// system and on the disk (from the page cache and from the disk itself); a
// flipped byte anywhere in a tensor, even one larger than a read chunk and
// split across threads, is DATA_LOSS naming the file and that tensor.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

// 12 MiB and 6 MiB of float32: many read chunks, and (on two cores or more)
// the larger one is cut between two threads, whose crcs are then joined.
constexpr int64_t kLargeElements = int64_t{3} << 20;

// Distinct values everywhere, so bytes copied to the wrong place show.
template <typename T>
Tensor ramp(TensorShape shape, double start) {
  Tensor t(dtype_of<T>(), std::move(shape));
  std::span<T> values = t.flat<T>();
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<T>(start + 0.25 * i);
  return t;
}

// Where the bundle lives: "memory" (MemoryFileSystem), "warm" (the disk,
// files in the page cache) or "cold" (the disk, files evicted first).
class BundleReadManyTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      memory_ = std::make_unique<MemoryFileSystem>();
      fs_ = memory_.get();
      dir_path_ = "/ckpt";
      ASSERT_TRUE(fs_->create_directories(dir_path_).ok());
    } else {
      fs_ = &default_file_system();
      dir_path_ = dir_.path();
    }
    // Names sort in the order written, so a restore walks the file.
    add("a_scalar", Tensor::scalar<int64_t>(200));
    add("b_empty", Tensor(DType::kFloat32, {0}));
    add("c_large", ramp<float>({kLargeElements}, 1));
    add("d_bools", Tensor::from_vector<bool>({true, false, true}, {3}));
    add("e_empty", Tensor(DType::kInt32, {3, 0}));
    add("f_words", Tensor::from_strings({"setosa", "", "virginica"}, {3}));
    for (int i = 0; i < 40; ++i) {
      add("g_small_" + std::to_string(10 + i), ramp<double>({i, 3}, i));
    }
    add("h_last_large", ramp<float>({kLargeElements / 2 + 3}, 7));
    auto writer = BundleWriter::create(*fs_, prefix());
    ASSERT_TRUE(writer.ok()) << writer.status().to_string();
    for (const auto& [name, tensor] : saved_) ASSERT_TRUE((*writer)->add(name, tensor).ok());
    ASSERT_TRUE((*writer)->finish().ok());
  }

  void add(std::string name, Tensor t) { saved_.emplace_back(std::move(name), std::move(t)); }
  std::string prefix() const { return dir_path_ + "/model.ckpt-1"; }
  std::string data_path() const { return bundle_data_path(prefix(), 0, 1); }

  // Puts the data file where the parameter says: in the page cache or not.
  void place_data() {
    if (GetParam() == "memory") return;
    const int fd = ::open(data_path().c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    if (GetParam() == "cold") {
      ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    } else {
      std::vector<char> chunk(1 << 20);
      while (::read(fd, chunk.data(), chunk.size()) > 0) {
      }
    }
    ::close(fd);
  }

  // Flips one byte of tensor `name`'s stored bytes, `at` bytes into it.
  void flip(const std::string& name, uint64_t at) {
    auto reader = BundleReader::open(*fs_, prefix());
    ASSERT_TRUE(reader.ok());
    const uint64_t offset = (*reader)->find(name)->offset + at;
    if (memory_) {
      std::string& bytes = *memory_->mutable_contents(data_path());
      bytes[offset] = static_cast<char>(bytes[offset] ^ 0x10);
      return;
    }
    const int fd = ::open(data_path().c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    char byte = 0;
    ASSERT_EQ(::pread(fd, &byte, 1, static_cast<off_t>(offset)), 1);
    byte = static_cast<char>(byte ^ 0x10);
    ASSERT_EQ(::pwrite(fd, &byte, 1, static_cast<off_t>(offset)), 1);
    ::fsync(fd);
    ::close(fd);
  }

  // Zeroed tensors of the saved dtypes and shapes: the model to restore into.
  std::vector<std::pair<std::string, Tensor>> model() const {
    std::vector<std::pair<std::string, Tensor>> out;
    for (const auto& [name, t] : saved_) out.emplace_back(name, Tensor(t.dtype(), t.shape()));
    return out;
  }

  // Targets for every tensor of `into`, in its order.
  static std::vector<BundleReadTarget> targets(const BundleReader& reader,
                                               std::vector<std::pair<std::string, Tensor>>& into) {
    std::vector<BundleReadTarget> out;
    for (auto& [name, tensor] : into) out.push_back({reader.find(name), &tensor});
    return out;
  }

  // The status of restoring every tensor in one call, in file order or reversed.
  Status restore_all(bool reversed = false) {
    place_data();
    auto reader = BundleReader::open(*fs_, prefix());
    if (!reader.ok()) return reader.status();
    auto into = model();
    if (reversed) std::reverse(into.begin(), into.end());
    return (*reader)->read_many_into(targets(**reader, into));
  }

  cairn::testing::TempDir dir_;
  std::unique_ptr<MemoryFileSystem> memory_;
  FileSystem* fs_ = nullptr;
  std::string dir_path_;
  std::vector<std::pair<std::string, Tensor>> saved_;
};

TEST_P(BundleReadManyTest, FillsEveryTensorInItsOwnMemory) {
  place_data();
  auto reader = BundleReader::open(*fs_, prefix());
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto into = model();
  std::vector<const void*> buffers;
  for (const auto& [name, t] : into) buffers.push_back(t.data());
  const Status s = (*reader)->read_many_into(targets(**reader, into));
  ASSERT_TRUE(s.ok()) << s.to_string();
  for (size_t i = 0; i < into.size(); ++i) {
    EXPECT_TRUE(into[i].second == saved_[i].second) << into[i].first;
    if (into[i].second.dtype() != DType::kString) {
      EXPECT_EQ(into[i].second.data(), buffers[i]) << into[i].first;  // filled in place
    }
  }
}

TEST_P(BundleReadManyTest, TargetsInAnyOrderAndReadIntoOfOneGiveTheSavedValues) {
  place_data();
  auto reader = BundleReader::open(*fs_, prefix());
  ASSERT_TRUE(reader.ok());
  auto into = model();
  std::reverse(into.begin(), into.end());
  ASSERT_TRUE((*reader)->read_many_into(targets(**reader, into)).ok());
  for (auto& [name, t] : into) {
    EXPECT_TRUE(t == *(*reader)->read(name)) << name;
    Tensor one(t.dtype(), t.shape());
    ASSERT_TRUE((*reader)->read_into(name, &one).ok()) << name;
    EXPECT_TRUE(one == t) << name;
  }
  EXPECT_TRUE((*reader)->read_many_into({}).ok());
}

TEST_P(BundleReadManyTest, AFlippedByteInALargeTensorIsDataLossNamingIt) {
  const uint64_t large = static_cast<uint64_t>(kLargeElements) * 4;
  const uint64_t last = static_cast<uint64_t>(kLargeElements / 2 + 3) * 4;
  // The middle (where two threads meet) and the last chunk of each.
  for (const auto& [name, at] : {std::pair<std::string, uint64_t>{"c_large", large / 2},
                                 {"c_large", large - 5},
                                 {"h_last_large", last / 2 + 1},
                                 {"h_last_large", last - 1}}) {
    SCOPED_TRACE(name + " at " + std::to_string(at));
    flip(name, at);
    const Status s = restore_all();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
    EXPECT_NE(s.message().find("tensor '" + name + "'"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(data_path()), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("checksum mismatch"), std::string::npos) << s.message();
    flip(name, at);  // back
  }
  EXPECT_TRUE(restore_all().ok());
}

TEST_P(BundleReadManyTest, TheFirstFailureInTargetOrderIsReturned) {
  flip("c_large", 12345);
  flip("g_small_30", 7);
  Status s = restore_all();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("tensor 'c_large'"), std::string::npos) << s.message();
  s = restore_all(/*reversed=*/true);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("tensor 'g_small_30'"), std::string::npos) << s.message();
}

TEST_P(BundleReadManyTest, ATargetOfAnotherShapeIsInvalidArgumentNamingIt) {
  place_data();
  auto reader = BundleReader::open(*fs_, prefix());
  ASSERT_TRUE(reader.ok());
  auto into = model();
  into[3].second = Tensor(DType::kBool, {4});
  const Status s = (*reader)->read_many_into(targets(**reader, into));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'d_bools'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("bool [3]"), std::string::npos) << s.message();
}

TEST_P(BundleReadManyTest, ATruncatedDataFileIsDataLossNamingTheFirstTensorPastTheEnd) {
  auto reader = BundleReader::open(*fs_, prefix());
  ASSERT_TRUE(reader.ok());
  const uint64_t cut = (*reader)->find("h_last_large")->offset + 100;
  if (memory_) {
    memory_->mutable_contents(data_path())->resize(cut);
  } else {
    ASSERT_EQ(::truncate(data_path().c_str(), static_cast<off_t>(cut)), 0);
  }
  const Status s = restore_all();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("tensor 'h_last_large'"), std::string::npos) << s.message();
}

INSTANTIATE_TEST_SUITE_P(FileSystems, BundleReadManyTest,
                         ::testing::Values("memory", "warm", "cold"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace cairn
