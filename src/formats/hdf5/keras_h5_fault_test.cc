// Keras .h5 saves under injected disk faults at every position: the save
// reports an error naming the file, the previous file keeps every byte, no
// temporary is left, and the next save succeeds.
#include <gtest/gtest.h>

#include "cairn/core/errors.h"
#include "cairn/formats/hdf5/keras_h5.h"
#include "cairn/io/fault_injecting_file_system.h"
#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

KerasH5File model(float value) {
  KerasH5File f{.keras_version = "2.4.0", .backend = "tensorflow"};
  f.model_config = R"({"class_name": "Sequential", "config": {"name": "s", "layers": []}})";
  f.layers.push_back(
      {.layer_name = "dense",
       .weights = {{"dense/kernel:0", Tensor::from_vector<float>({value, 2, 3, 4}, {2, 2})}}});
  return f;
}

TEST(KerasH5FaultTest, EveryFaultAtEveryPositionKeepsThePreviousFile) {
  int injected = 0;
  for (Fault fault :
       {Fault::kNoSpace, Fault::kShortWrite, Fault::kSyncError, Fault::kRenameError}) {
    for (int64_t at = 0;; ++at) {
      MemoryFileSystem memory;
      FaultInjectingFileSystem fs(memory);
      ASSERT_TRUE(write_keras_h5("/m/model.h5", model(1), fs).ok());
      const std::string before = *memory.mutable_contents("/m/model.h5");
      fs.inject(fault, at);
      const Status status = write_keras_h5("/m/model.h5", model(2), fs);
      if (!fs.fired()) {
        EXPECT_TRUE(status.ok());
        break;
      }
      ++injected;
      ASSERT_FALSE(status.ok()) << "fault " << static_cast<int>(fault) << " at " << at;
      EXPECT_NE(status.message().find("/m/model.h5"), std::string::npos) << status.message();
      const bool renamed =
          fault == Fault::kSyncError && *memory.mutable_contents("/m/model.h5") != before;
      // Only the directory fsync after the rename can leave the new file in place.
      if (!renamed) {
        EXPECT_EQ(*memory.mutable_contents("/m/model.h5"), before);
      }
      EXPECT_EQ(value_or_throw(memory.list_directory("/m")), std::vector<std::string>{"model.h5"});
      fs.clear();
      ASSERT_TRUE(write_keras_h5("/m/model.h5", model(3), fs).ok());
      KerasH5File read = value_or_throw(read_keras_h5("/m/model.h5", memory));
      EXPECT_EQ(read.layers[0].weights[0].value.flat<float>()[0], 3.0f);
    }
  }
  std::cout << "keras h5: " << injected << " faults injected, each survived\n";
  EXPECT_GT(injected, 3);
}

}  // namespace
}  // namespace cairn
