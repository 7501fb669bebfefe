// Keras .h5 inputs found by fuzz/keras_h5_fuzzer.cc. Both were mutated from a
// model.h5 that cairn wrote (fuzz/make_seeds.cc) and crash HDF5 1.10 itself
// in the parse; read_keras_h5's forked dry run must turn that into
// DATA_LOSS naming the file, never take the process down.
#include <gtest/gtest.h>

#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

std::string testdata(const std::string& name) {
  auto bytes = default_file_system().read_file(std::string(CAIRN_SOURCE_DIR) +
                                               "/src/formats/hdf5/testdata/" + name);
  EXPECT_TRUE(bytes.ok()) << bytes.status().to_string();
  return bytes.ok() ? *bytes : "";
}

void expect_data_loss(const std::string& name) {
  MemoryFileSystem fs;
  ASSERT_TRUE(fs.write_file_atomically("/fuzz/" + name, testdata(name)).ok());
  Result<KerasH5File> file = read_keras_h5("/fuzz/" + name, fs);
  ASSERT_FALSE(file.ok()) << name;
  EXPECT_EQ(file.status().code(), StatusCode::kDataLoss) << file.status().to_string();
  EXPECT_NE(file.status().message().find("/fuzz/" + name), std::string::npos)
      << file.status().to_string();
}

TEST(KerasH5UntrustedTest, Hdf5OutOfBoundsReadInH5AexistsIsDataLoss) {
  expect_data_loss("hdf5_crash_in_h5aexists.h5");
}

TEST(KerasH5UntrustedTest, Hdf5HugeMallocInH5CprotectIsDataLoss) {
  expect_data_loss("hdf5_huge_malloc_in_h5c_protect.h5");
}

}  // namespace
}  // namespace cairn
