// Crafted Keras .h5 files that name one dataset many times, built here with
// HDF5's C API. Read naively, a weight_names listing one 2 MiB dataset 3000
// times grew to 6 GB; the reader refuses repeated names and bounds the
// weights it reads in all by the file's size (compressed ones by a limit).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/io/memory_file_system.h"
#include "formats/hdf5/hdf5_handles.h"
#include "formats/hdf5/hdf5_strings.h"
#include "formats/hdf5/hdf5_tensors.h"

namespace cairn {
namespace {

namespace h5 = internal::h5;

constexpr int64_t kFloats = 16384;  // a 64 KiB weight

// Builds a weights-only file with `layers` layer groups; `fill(root)` adds the rest.
template <typename Fill>
std::string craft_h5(const std::vector<std::string>& layers, Fill fill) {
  h5::LibraryScope scope;
  auto file = h5::create_memory_file();
  EXPECT_TRUE(file.ok()) << file.status().to_string();
  const hid_t root = file->get();
  EXPECT_TRUE(h5::write_string_list(root, "layer_names", layers).ok());
  fill(root);
  auto image = h5::file_image(root);
  EXPECT_TRUE(image.ok()) << image.status().to_string();
  return image.ok() ? *image : "";
}

h5::Handle make_group(hid_t parent, const std::string& name) {
  return h5::Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    H5Gclose);
}

Result<KerasH5File> read_bytes(const std::string& bytes, const KerasH5ReadOptions& options = {}) {
  MemoryFileSystem fs;
  EXPECT_TRUE(fs.write_file_atomically("/crafted.h5", bytes).ok());
  return read_keras_h5("/crafted.h5", fs, options);
}

void expect_budget_data_loss(const Result<KerasH5File>& file, const std::string& why) {
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kDataLoss) << file.status().to_string();
  EXPECT_NE(file.status().message().find("/crafted.h5"), std::string::npos)
      << file.status().to_string();
  EXPECT_NE(file.status().message().find(why), std::string::npos) << file.status().to_string();
}

TEST(KerasH5BudgetTest, WeightNamesListingOneDatasetThousandsOfTimesIsRefused) {
  const std::string bytes = craft_h5({"dense"}, [](hid_t root) {
    h5::Handle group = make_group(root, "dense");
    const std::vector<std::string> names(3000, "dense/kernel:0");
    EXPECT_TRUE(h5::write_string_list(group.get(), "weight_names", names).ok());
    EXPECT_TRUE(h5::write_tensor(group.get(), "dense/kernel:0",
                                 Tensor(DType::kFloat32, TensorShape({kFloats})))
                    .ok());
  });
  expect_budget_data_loss(read_bytes(bytes), "lists 'dense/kernel:0' twice");
}

TEST(KerasH5BudgetTest, LayerNamesListingOneLayerTwiceIsRefused) {
  const std::string bytes = craft_h5({"dense", "dense"}, [](hid_t root) {
    h5::Handle group = make_group(root, "dense");
    EXPECT_TRUE(h5::write_string_list(group.get(), "weight_names", {"dense/bias:0"}).ok());
    EXPECT_TRUE(
        h5::write_tensor(group.get(), "dense/bias:0", Tensor(DType::kFloat32, TensorShape({3})))
            .ok());
  });
  expect_budget_data_loss(read_bytes(bytes), "lists 'dense' twice");
}

// 100 layers whose one weight is a hard link to the same 64 KiB dataset: 6.4 MB
// of weights from a file of about 100 KB.
TEST(KerasH5BudgetTest, OneDatasetHardLinkedIntoManyLayersIsBoundedByTheFileSize) {
  std::vector<std::string> layers;
  for (int i = 0; i < 100; ++i) layers.push_back("layer" + std::to_string(i));
  const std::string bytes = craft_h5(layers, [&](hid_t root) {
    EXPECT_TRUE(
        h5::write_tensor(root, "shared", Tensor(DType::kFloat32, TensorShape({kFloats}))).ok());
    for (const std::string& layer : layers) {
      h5::Handle group = make_group(root, layer);
      EXPECT_TRUE(h5::write_string_list(group.get(), "weight_names", {"w:0"}).ok());
      EXPECT_GE(H5Lcreate_hard(root, "shared", group.get(), "w:0", H5P_DEFAULT, H5P_DEFAULT), 0);
    }
  });
  ASSERT_LT(bytes.size(), 100u * kFloats * 4);  // less than the weights it names
  expect_budget_data_loss(read_bytes(bytes), "larger than the file's bytes not yet read");
}

// A chunked, deflated dataset of 1 MiB of zeros: a few KB in the file.
void write_deflated_zeros(hid_t group, const std::string& name) {
  const hsize_t dims[1] = {1 << 18}, chunk[1] = {1 << 16};
  h5::Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  h5::Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  ASSERT_GE(H5Pset_chunk(plist.get(), 1, chunk), 0);
  ASSERT_GE(H5Pset_deflate(plist.get(), 9), 0);
  h5::Handle dataset(H5Dcreate2(group, name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT,
                                plist.get(), H5P_DEFAULT),
                     H5Dclose);
  const std::vector<float> zeros(dims[0], 0.0f);
  ASSERT_GE(H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data()),
            0);
}

TEST(KerasH5BudgetTest, CompressedWeightsAreBoundedByTheDecompressedLimit) {
  const std::string bytes = craft_h5({"dense"}, [](hid_t root) {
    h5::Handle group = make_group(root, "dense");
    EXPECT_TRUE(h5::write_string_list(group.get(), "weight_names", {"kernel:0"}).ok());
    write_deflated_zeros(group.get(), "kernel:0");
  });
  ASSERT_LT(bytes.size(), size_t{1} << 20);
  Result<KerasH5File> file = read_bytes(bytes);  // the default limit, 1 GiB, holds it
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  EXPECT_EQ(file->layers.at(0).weights.at(0).value.num_elements(), 1 << 18);
  expect_budget_data_loss(read_bytes(bytes, {.max_decompressed_bytes = 512 << 10}),
                          "limit on decompressed bytes");
}

}  // namespace
}  // namespace cairn
