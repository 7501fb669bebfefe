// Missing, empty, truncated, bit-flipped and garbage .h5 files, and
// well-formed HDF5 files that break Keras's layout, never crash the reader:
// each gives an error naming the file and, where there is one, the HDF5
// object. The odd files are built with the internal HDF5 helpers, in memory.
#include <gtest/gtest.h>

#include <random>

#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/io/memory_file_system.h"
#include "formats/hdf5/hdf5_handles.h"
#include "formats/hdf5/hdf5_strings.h"
#include "formats/hdf5/hdf5_tensors.h"
#include "testing/sanitizers.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

namespace h5 = internal::h5;

using testing::contains;

KerasH5File small_h5_model() {
  KerasH5File file{.keras_version = "2.4.0", .backend = "tensorflow", .model_config = "{}"};
  file.layers.push_back(
      {.layer_name = "dense",
       .weights = {{"dense/kernel:0", Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {3, 2})},
                   {"dense/bias:0", Tensor::from_vector<float>({0.5f, -0.5f}, {2})}}});
  file.optimizer_weights = {{"Adam/iter:0", Tensor::scalar<int64_t>(7)}};
  return file;
}

class KerasH5CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(write_keras_h5(path_, small_h5_model(), fs_).ok());
    good_ = *fs_.read_file(path_);
  }

  // Reads `bytes` as the file; an error must name it.
  Result<KerasH5File> read_bytes(const std::string& bytes) {
    *fs_.mutable_contents(path_) = bytes;
    Result<KerasH5File> file = read_keras_h5(path_, fs_, {.parse_timeout_seconds = 1});
    if (!file.ok()) {
      EXPECT_TRUE(contains(file.status().message(), path_)) << file.status().message();
    }
    return file;
  }

  // Builds an HDF5 file with `build(root)` and reads it.
  template <typename Build>
  Status read_built(Build build) {
    std::string bytes;
    {
      h5::LibraryScope scope;
      auto image = h5::create_memory_file();
      EXPECT_TRUE(image.ok());
      h5::Handle root = h5::open_group(image->get(), "/");
      build(root.get());
      root.reset();
      bytes = *h5::file_image(image->get());
    }
    return read_bytes(bytes).status();
  }

  MemoryFileSystem fs_;
  const std::string path_ = "/m/model.h5";
  std::string good_;
};

TEST_F(KerasH5CorruptionTest, MissingFileIsNotFound) {
  Result<KerasH5File> file = read_keras_h5("/m/absent.h5", fs_);
  EXPECT_EQ(file.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(contains(file.status().message(), "/m/absent.h5"));
}

TEST_F(KerasH5CorruptionTest, EmptyAndGarbageAreDataLoss) {
  EXPECT_EQ(read_bytes("").status().code(), StatusCode::kDataLoss);
  std::mt19937 rng(7);
  std::string garbage(4096, '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  EXPECT_EQ(read_bytes(garbage).status().code(), StatusCode::kDataLoss);
  // The HDF5 signature followed by garbage.
  std::string fake = "\x89HDF\r\n\x1a\n" + garbage;
  EXPECT_EQ(read_bytes(fake).status().code(), StatusCode::kDataLoss);
}

// Every length up to 1 KiB, then every 37th; the plain and the sanitized
// build each check their share (testing::sweep_checks_step).
TEST_F(KerasH5CorruptionTest, EveryTruncationFails) {
  size_t step = 0;
  for (size_t size = 0; size < good_.size(); size += size < 1024 ? 1 : 37) {
    if (!testing::sweep_checks_step(step++)) continue;
    Result<KerasH5File> file = read_bytes(good_.substr(0, size));
    EXPECT_FALSE(file.ok()) << "truncated to " << size;
  }
}

// HDF5 1.10 itself crashes on some of these (global heap object sizes and
// indices, vlen string lengths) and hangs on others; the reader's isolated
// dry run turns those into DATA_LOSS. Every byte of the superblock, the root
// and model_weights headers (attributes) and the global heap's start is
// tried, then every 61st byte: each read forks, so the full file is slow.
// The plain and the sanitized build each flip their share of those bytes
// (testing::sweep_checks_step).
TEST_F(KerasH5CorruptionTest, FlippedBytesNeverCrash) {
  int failures = 0;
  size_t step = 0;
  for (size_t i = 0; i < good_.size(); i += i < 2304 ? 1 : 61) {
    if (!testing::sweep_checks_step(step++)) continue;
    std::string bad = good_;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    if (!read_bytes(bad).ok()) ++failures;
  }
  EXPECT_GT(failures, 0);  // flips in metadata are caught; flips in values cannot be
}

TEST_F(KerasH5CorruptionTest, NotAKerasFile) {
  Status s = read_built([](hid_t root) { ASSERT_TRUE(h5::write_string(root, "x", "y").ok()); });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(contains(s.message(), "layer_names")) << s.message();
}

TEST_F(KerasH5CorruptionTest, ListedLayerGroupIsMissing) {
  Status s = read_built(
      [](hid_t root) { ASSERT_TRUE(h5::write_string_list(root, "layer_names", {"ghost"}).ok()); });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(contains(s.message(), "group /ghost")) << s.message();
}

// A group `layer` under `root` with the given weight_names and datasets.
void add_layer(hid_t root, const std::vector<std::string>& names,
               const std::vector<std::pair<std::string, Tensor>>& datasets) {
  ASSERT_TRUE(h5::write_string_list(root, "layer_names", {"layer"}).ok());
  h5::Handle group(H5Gcreate2(root, "layer", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  ASSERT_TRUE(h5::write_string_list(group.get(), "weight_names", names).ok());
  for (const auto& [name, tensor] : datasets) {
    ASSERT_TRUE(h5::write_tensor(group.get(), name, tensor).ok());
  }
}

TEST_F(KerasH5CorruptionTest, ListedDatasetIsMissing) {
  Status s = read_built([](hid_t root) { add_layer(root, {"layer/kernel:0"}, {}); });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(contains(s.message(), "dataset /layer/layer/kernel:0")) << s.message();
}

TEST_F(KerasH5CorruptionTest, WeightNameIsAGroup) {
  Status s = read_built([](hid_t root) {
    add_layer(root, {"layer"}, {{"layer/kernel:0", Tensor::scalar<float>(1)}});
  });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(contains(s.message(), "expected a dataset")) << s.message();
}

TEST_F(KerasH5CorruptionTest, WeightNamesAreNumbers) {
  Status s = read_built([](hid_t root) {
    add_layer(root, {}, {});
    h5::Handle group = h5::open_group(root, "layer");
    H5Adelete(group.get(), "weight_names");
    const hsize_t dims[1] = {2};
    h5::Handle space = h5::own_dataspace(H5Screate_simple(1, dims, nullptr));
    h5::Handle attribute(H5Acreate2(group.get(), "weight_names", H5T_STD_I32LE, space.get(),
                                    H5P_DEFAULT, H5P_DEFAULT),
                         H5Aclose);
    const int32_t values[2] = {1, 2};
    H5Awrite(attribute.get(), H5T_NATIVE_INT32, values);
  });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(contains(s.message(), "attribute 'weight_names' of /layer")) << s.message();
}

TEST_F(KerasH5CorruptionTest, UnsupportedElementTypeIsUnimplemented) {
  Status s = read_built([](hid_t root) {
    add_layer(root, {"bytes"}, {});
    h5::Handle group = h5::open_group(root, "layer");
    const hsize_t dims[1] = {3};
    h5::Handle space = h5::own_dataspace(H5Screate_simple(1, dims, nullptr));
    h5::Handle d(H5Dcreate2(group.get(), "bytes", H5T_STD_U8LE, space.get(), H5P_DEFAULT,
                            H5P_DEFAULT, H5P_DEFAULT),
                 H5Dclose);
  });
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented);
  EXPECT_TRUE(contains(s.message(), "dataset /layer/bytes")) << s.message();
}

// A contiguous dataset is allocated on first write, so a huge shape costs nothing on disk.
TEST_F(KerasH5CorruptionTest, ShapeLargerThanTheFileIsRejectedBeforeAllocating) {
  Status s = read_built([](hid_t root) {
    add_layer(root, {"huge"}, {});
    h5::Handle group = h5::open_group(root, "layer");
    const hsize_t dims[2] = {1u << 20, 1u << 20};
    h5::Handle space = h5::own_dataspace(H5Screate_simple(2, dims, nullptr));
    h5::Handle d(H5Dcreate2(group.get(), "huge", H5T_IEEE_F32LE, space.get(), H5P_DEFAULT,
                            H5P_DEFAULT, H5P_DEFAULT),
                 H5Dclose);
  });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(contains(s.message(), "dataset /layer/huge")) << s.message();
  EXPECT_TRUE(contains(s.message(), "larger than")) << s.message();
}

TEST_F(KerasH5CorruptionTest, ExternalLinksAreNotFollowed) {
  Status s = read_built([](hid_t root) {
    add_layer(root, {"outside"}, {});
    h5::Handle group = h5::open_group(root, "layer");
    H5Lcreate_external("/etc/passwd", "/x", group.get(), "outside", H5P_DEFAULT, H5P_DEFAULT);
  });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(contains(s.message(), "/layer/outside")) << s.message();
}

// Without weight_names, optimizer weights are found by walking the group.
TEST_F(KerasH5CorruptionTest, OptimizerWalkStopsAtALinkCycle) {
  Status s = read_built([](hid_t root) {
    ASSERT_TRUE(h5::write_string(root, "model_config", "{}").ok());
    h5::Handle weights(H5Gcreate2(root, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       H5Gclose);
    ASSERT_TRUE(h5::write_string_list(weights.get(), "layer_names", {}).ok());
    h5::Handle optimizer(
        H5Gcreate2(root, "optimizer_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    H5Lcreate_hard(optimizer.get(), ".", optimizer.get(), "again", H5P_DEFAULT, H5P_DEFAULT);
  });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_TRUE(contains(s.message(), "cycle")) << s.message();
}

TEST_F(KerasH5CorruptionTest, OptimizerWithoutWeightNamesIsWalkedInNameOrder) {
  std::string bytes;
  {
    h5::LibraryScope scope;
    auto image = h5::create_memory_file();
    h5::Handle root = h5::open_group(image->get(), "/");
    ASSERT_TRUE(h5::write_string(root.get(), "model_config", "{}").ok());
    h5::Handle weights(
        H5Gcreate2(root.get(), "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    ASSERT_TRUE(h5::write_string_list(weights.get(), "layer_names", {}).ok());
    h5::Handle optimizer(
        H5Gcreate2(root.get(), "optimizer_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Gclose);
    ASSERT_TRUE(h5::write_tensor(optimizer.get(), "adam/m", Tensor::scalar<float>(2)).ok());
    ASSERT_TRUE(
        h5::write_tensor(optimizer.get(), "adam/iteration", Tensor::scalar<int64_t>(9)).ok());
    ASSERT_TRUE(h5::write_tensor(optimizer.get(), "a_first", Tensor::scalar<double>(1)).ok());
    optimizer.reset();
    weights.reset();
    root.reset();
    bytes = *h5::file_image(image->get());
  }
  Result<KerasH5File> file = read_bytes(bytes);
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  ASSERT_EQ(file->optimizer_weights.size(), 3u);
  EXPECT_EQ(file->optimizer_weights[0].name, "a_first");
  EXPECT_EQ(file->optimizer_weights[1].name, "adam/iteration");
  EXPECT_EQ(file->optimizer_weights[2].name, "adam/m");
  EXPECT_EQ(file->optimizer_weights[1].value.flat<int64_t>()[0], 9);
}

}  // namespace
}  // namespace cairn
