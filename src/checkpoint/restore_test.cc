// The one restore path (restore.h): each data byte read once, a damaged
// checkpoint skipped with a warning, a mismatch reported whole with nothing
// changed, and a live model put back after a failed restore.
#include "cairn/checkpoint/restore.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/errors.h"
#include "cairn/io/memory_file_system.h"
#include "testing/counting_file_system.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

Tensor filled_shape(TensorShape shape, float value) {
  Tensor t(DType::kFloat32, std::move(shape));
  for (float& x : t.flat<float>()) x = value;
  return t;
}

// A canned estimator's checkpoint as TensorFlow 1.x writes it, with TF 1.0's
// weights/biases spelling for the hidden layer, `value` in every weight.
NamedTensors estimator_checkpoint(float value, int64_t step) {
  return {{"dnn/hiddenlayer_0/weights", filled_shape({4, 8}, value)},
          {"dnn/hiddenlayer_0/weights/t_0/Adagrad", filled_shape({4, 8}, value + 0.5f)},
          {"dnn/hiddenlayer_0/biases", filled_shape({8}, value)},
          {"dnn/logits/kernel", filled_shape({8, 3}, value)},
          {"training/Adagrad/dnn/logits/kernel/accumulator", filled_shape({8, 3}, value + 0.5f)},
          {"dnn/logits/bias", filled_shape({3}, value)},
          {"global_step", Tensor::scalar<int64_t>(step)}};
}

// The model's side: its variables, as cairn names them, zero.
struct Model {
  NamedTensors variables = {{"dnn/hiddenlayer_0/kernel", filled_shape({4, 8}, 0)},
                            {"dnn/hiddenlayer_0/kernel/t_0/Adagrad", filled_shape({4, 8}, 0)},
                            {"dnn/hiddenlayer_0/bias", filled_shape({8}, 0)},
                            {"dnn/logits/kernel", filled_shape({8, 3}, 0)},
                            {"dnn/logits/kernel/t_0/Adagrad", filled_shape({8, 3}, 0)},
                            {"dnn/logits/bias", filled_shape({3}, 0)},
                            {"global_step", Tensor::scalar<int64_t>(0)}};

  RestorePlanner planner(bool keep_on_failure = false) {
    return [this, keep_on_failure](const CheckpointToRestore&) {
      RestorePlan plan;
      plan.keep_on_failure = keep_on_failure;
      for (auto& [name, value] : variables) {
        plan.targets.push_back({name, tf_variable_keys(name), &value});
      }
      return plan;
    };
  }
  float first(size_t i) const { return variables[i].second.flat<float>()[0]; }
  int64_t step() const { return variables.back().second.flat<int64_t>()[0]; }
};

// Flips a byte inside the last tensor of `prefix`'s only data file.
void corrupt_last_tensor(MemoryFileSystem& fs, const std::string& prefix) {
  std::string* data = fs.mutable_contents(prefix + ".data-00000-of-00001");
  ASSERT_NE(data, nullptr);
  (*data)[data->size() - 2] ^= 0x40;
}

TEST(RestoreTest, EachDataByteIsReadOnceAndOldSpellingsAreFound) {
  MemoryFileSystem memory;
  save_variables("/m/model.ckpt-7", estimator_checkpoint(2, 7), {}, memory);
  testing::CountingFileSystem counting(memory);
  Model model;
  std::optional<Restored> restored = restore_newest("/m", model.planner(), {}, counting);
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->prefix, "/m/model.ckpt-7");
  EXPECT_TRUE(restored->skipped.empty());
  EXPECT_EQ(model.first(0), 2.0f);  // dnn/hiddenlayer_0/weights
  EXPECT_EQ(model.first(1), 2.5f);  // its TF 1.x slot
  EXPECT_EQ(model.first(4), 2.5f);  // TF 2's training/Adagrad/.../accumulator
  EXPECT_EQ(model.step(), 7);
  const std::string data = "/m/model.ckpt-7.data-00000-of-00001";
  const uint64_t size = value_or_throw(memory.file_size(data));
  EXPECT_EQ(counting.times_read(data, 0, size), std::vector<int>(size, 1));
  EXPECT_EQ(counting.bytes_handed_out(data), size);
}

TEST(RestoreTest, ADamagedCheckpointFallsBackToThePreviousOneWithItsName) {
  MemoryFileSystem memory;
  save_variables("/m/model.ckpt-1", estimator_checkpoint(1, 1), {}, memory);
  save_variables("/m/model.ckpt-2", estimator_checkpoint(2, 2), {}, memory);
  corrupt_last_tensor(memory, "/m/model.ckpt-2");
  Model model;
  std::optional<Restored> restored = restore_newest("/m", model.planner(), {}, memory);
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->prefix, "/m/model.ckpt-1");
  ASSERT_EQ(restored->skipped.size(), 1u);
  EXPECT_THAT(restored->skipped[0], HasSubstr("/m/model.ckpt-2 is damaged: "));
  EXPECT_THAT(restored->skipped[0], HasSubstr("checksum mismatch"));
  EXPECT_EQ(model.first(0), 1.0f);  // every target from the intact one
  EXPECT_EQ(model.step(), 1);

  EXPECT_THROW(restore_newest("/m", model.planner(), {.fail_on_damaged = true}, memory),
               DataLossError);
  corrupt_last_tensor(memory, "/m/model.ckpt-1");
  try {
    restore_newest("/m", model.planner(), {}, memory);
    FAIL() << "expected DataLossError";
  } catch (const DataLossError& e) {
    EXPECT_THAT(e.what(), HasSubstr("every checkpoint in /m is damaged"));
    EXPECT_THAT(e.what(), HasSubstr("/m/model.ckpt-2 is damaged"));
    EXPECT_THAT(e.what(), HasSubstr("/m/model.ckpt-1 is damaged"));
  }
}

TEST(RestoreTest, AMismatchIsReportedWholeWithoutFallbackAndChangesNothing) {
  MemoryFileSystem memory;
  save_variables("/m/model.ckpt-1", estimator_checkpoint(1, 1), {}, memory);
  NamedTensors wider = estimator_checkpoint(2, 2);
  wider[0].second = filled_shape({4, 9}, 2);
  wider.pop_back();  // no global_step
  save_variables("/m/model.ckpt-2", wider, {}, memory);
  Model model;
  try {
    restore_newest("/m", model.planner(), {}, memory);
    FAIL() << "expected InvalidArgumentError";
  } catch (const InvalidArgumentError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr("Restoring from checkpoint /m/model.ckpt-2 failed"));
    EXPECT_THAT(message, HasSubstr("dnn/hiddenlayer_0/kernel: model [4, 8], checkpoint [4, 9]"));
    EXPECT_THAT(message, HasSubstr("In the model but not in the checkpoint (1):\n    "
                                   "global_step int64 []"));
    EXPECT_THAT(message, HasSubstr("Nothing in the model directory was changed."));
  }
  EXPECT_EQ(model.first(3), 0.0f) << "a mismatch writes nothing";
  EXPECT_EQ(model.step(), 0);
}

TEST(RestoreTest, KeepOnFailurePutsALiveModelBack) {
  MemoryFileSystem memory;
  save_variables("/m/model.ckpt-1", estimator_checkpoint(1, 1), {}, memory);
  corrupt_last_tensor(memory, "/m/model.ckpt-1");  // read after the others
  Model model;
  for (auto& [name, value] : model.variables) {
    if (value.dtype() == DType::kFloat32) value = filled_shape(value.shape(), 9);
  }
  EXPECT_THROW(restore_checkpoint("/m/model.ckpt-1", model.planner(true), memory), DataLossError);
  for (size_t i = 0; i + 1 < model.variables.size(); ++i) {
    EXPECT_EQ(model.first(i), 9.0f) << model.variables[i].first << " was put back";
  }
}

TEST(RestoreTest, AnEmptyPlanOpensTheNewestCheckpointWithoutReadingData) {
  MemoryFileSystem memory;
  save_variables("/m/model.ckpt-3", estimator_checkpoint(3, 3), {}, memory);
  testing::CountingFileSystem counting(memory);
  std::optional<Restored> opened = restore_newest(
      "/m", [](const CheckpointToRestore&) { return RestorePlan{}; }, {}, counting);
  ASSERT_TRUE(opened);
  EXPECT_TRUE(opened->reader->has_tensor("dnn/logits/bias"));
  EXPECT_EQ(counting.bytes_handed_out("/m/model.ckpt-3.data-00000-of-00001"), 0u);
  EXPECT_FALSE(restore_newest(
      "/empty", [](const CheckpointToRestore&) { return RestorePlan{}; }, {}, memory));
}

TEST(RestoreNamesTest, MapsEveryTensorFlowSpelling) {
  EXPECT_THAT(tf_variable_keys("dnn/hiddenlayer_0/kernel"),
              ::testing::ElementsAre("dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_0/weights"));
  EXPECT_THAT(tf_variable_keys("dnn/logits/bias/t_0/Adagrad"),
              ::testing::Contains("training/Adagrad/dnn/logits/bias/accumulator"));
  EXPECT_THAT(warm_start_keys("a", {{"a", "old/a"}}), ::testing::ElementsAre("old/a"));
  EXPECT_EQ(object_slot_key(object_variable_key("layer_with_weights-0/kernel"), "m"),
            "layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_EQ(keras_layer_object(KerasKeyScheme::kLayerIndex, 2, 1), "layer-2");
  EXPECT_TRUE(is_keras_layer_weight_key(KerasKeyScheme::kLayerWithWeights,
                                        "layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE"));
  EXPECT_FALSE(is_keras_layer_weight_key(
      KerasKeyScheme::kLayerWithWeights,
      "layer_with_weights-1/bias/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"));
}

}  // namespace
}  // namespace cairn
