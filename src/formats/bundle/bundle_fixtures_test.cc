// Reads every tensor bundle TensorFlow wrote in ../shared/fixtures (TF 1.0
// to 2.3: Estimator, Saver, Keras, tf.train.Checkpoint, SavedModel) and
// checks the names, dtypes, shapes, offsets, checksums and values that
// SOURCES.md and EXPECTED_DETAIL.md state. Then writes each bundle again
// with BundleWriter and compares the files byte for byte with TensorFlow's.
// Skips when ../shared is absent; fixtures are never copied into the repo.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <tuple>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/io/crc32c.h"
#include "cairn/io/table.h"
#include "cairn/proto/tensor_bundle.pb.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

struct FixtureBundle {
  const char* prefix;  // relative to the fixtures directory
  size_t num_tensors;
  int num_shards;
  bool has_variant;   // cairn lists DT_VARIANT but cannot rewrite it
  bool snappy_index;  // TF 1.14 compressed its index block
};

constexpr FixtureBundle kBundles[] = {
    {"hishmad-iris-estimator/iris_model/model.ckpt-4000", 18, 1, false, false},
    {"hishmad-iris-estimator/iris_model/model.ckpt-4001", 18, 1, false, false},
    {"hishmad-iris-estimator/iris_model/model.ckpt-6000", 18, 1, false, false},
    {"hishmad-iris-estimator/iris_model/model.ckpt-6001", 18, 1, false, false},
    {"hishmad-iris-estimator/iris_model/model.ckpt-8000", 18, 1, false, false},
    {"tf-serving-saved_model_half_plus_two_cpu/00000123/variables/variables", 5, 1, false, true},
    {"titanic-keras-tf21/saved_model/variables/variables", 26, 2, false, false},
    {"tensorflow-rust/test_resources/regression-model/variables/variables", 2, 1, false, false},
    {"tfjs-node-saved-models/times_three_float/variables/variables", 2, 1, false, false},
    {"tfjs-node-saved-models/int64_multiply/variables/variables", 3, 1, false, false},
    {"tf-guide-checkpoints-james/tf_ckpts/ckpt-38", 15, 1, true, false},
    {"tf-guide-checkpoints-james/tf_ckpts/ckpt-39", 15, 1, true, false},
    {"tf-guide-checkpoints-james/tf_ckpts/ckpt-40", 15, 1, true, false},
    {"tf-guide-checkpoints-james/tmp/easy_checkpoint", 1, 1, false, false},
    {"tf2onnx-regression/checkpoint/model", 2, 1, false, false},
    {"tf2onnx-regression/saved_model/variables/variables", 2, 1, false, false},
};

// One tensor line of EXPECTED_DETAIL.md.
struct ExpectedTensor {
  std::string name, dtype, shape;
  int shard = 0;
  uint64_t offset = 0, size = 0;
  uint32_t masked_crc = 0;
  std::vector<double> leading_values;  // "value=" or "first3=", row-major
  std::optional<uint64_t> string_length;
};

std::vector<double> parse_bundle_numbers(std::string text) {
  for (char& c : text) {
    if (c == '[' || c == ']' || c == ',') c = ' ';
  }
  std::istringstream in(text);
  std::vector<double> out;
  for (std::string token; in >> token;) out.push_back(std::strtod(token.c_str(), nullptr));
  return out;
}

// The text after `key` in `line` up to the next space (or, when it starts
// with '[', through the matching ']'); "" when `key` is absent.
std::string field(const std::string& line, const std::string& key) {
  size_t at = line.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  size_t end = line[at] == '[' ? line.find(']', at) + 1 : line.find(' ', at);
  return line.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// The text between the first pair of backquotes after `from`.
std::string quoted(const std::string& line, size_t from) {
  size_t open = line.find('`', from);
  return line.substr(open + 1, line.find('`', open + 1) - open - 1);
}

// One line "    - `NAME` DTYPE [SHAPE] shard=S offset=O size=Z crc32c(masked)=0xC ...".
ExpectedTensor parse_tensor_line(const std::string& line) {
  ExpectedTensor t;
  t.name = quoted(line, 0);
  std::istringstream after(line.substr(line.find('`', line.find('`') + 1) + 2));
  after >> t.dtype;
  size_t shape = line.find(" [", line.find('`', line.find('`') + 1));
  t.shape = line.substr(shape + 1, line.find(']', shape) - shape);
  t.shard = std::stoi(field(line, " shard="));
  t.offset = std::stoull(field(line, " offset="));
  t.size = std::stoull(field(line, " size="));
  t.masked_crc = static_cast<uint32_t>(std::stoul(field(line, " crc32c(masked)=0x"), nullptr, 16));
  std::string values = field(line, " value=");
  if (values.empty()) values = field(line, " first3=");
  t.leading_values = parse_bundle_numbers(values);
  std::string length = field(line, " string lens=");
  if (!length.empty()) t.string_length = std::stoull(length.substr(1));
  return t;
}

// The tensors EXPECTED_DETAIL.md lists, by bundle prefix. (No std::regex:
// GCC 12 warns inside it under -fsanitize, and warnings are errors.)
std::map<std::string, std::vector<ExpectedTensor>> parse_expected_detail(const std::string& path) {
  std::map<std::string, std::vector<ExpectedTensor>> out;
  std::ifstream in(path);
  std::string line, bundle;
  while (std::getline(in, line)) {
    if (line.rfind("  - ", 0) == 0) {
      bundle = line.rfind("  - bundle `", 0) == 0 ? quoted(line, 0) : "";
    } else if (!bundle.empty() && line.rfind("    - `", 0) == 0 &&
               line.find(" crc32c(masked)=0x") != std::string::npos) {
      out[bundle].push_back(parse_tensor_line(line));
    }
  }
  return out;
}

// Values are printed rounded to 7 decimals (or 8 significant digits).
void expect_close(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-6 * std::abs(expected) + 6e-8) << what;
}

void expect_leading_values(const Tensor& t, const std::vector<double>& want,
                           const std::string& what) {
  ASSERT_GE(t.num_elements(), static_cast<int64_t>(want.size())) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    expect_close(t.element_as_double(static_cast<int64_t>(i)), want[i],
                 what + "[" + std::to_string(i) + "]");
  }
}

class BundleFixturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixtures_ = testing::fixtures_dir();
    if (!fixtures_) GTEST_SKIP() << testing::kNoSharedMessage;
  }

  std::string path(const std::string& relative) const { return *fixtures_ + "/" + relative; }

  std::unique_ptr<BundleReader> open(const std::string& prefix) {
    auto reader = BundleReader::open(default_file_system(), path(prefix));
    EXPECT_TRUE(reader.ok()) << reader.status().to_string();
    return reader.ok() ? std::move(*reader) : nullptr;
  }

  std::optional<std::string> fixtures_;
};

Tensor read(const BundleReader& reader, const std::string& name) {
  auto t = reader.read(name);
  EXPECT_TRUE(t.ok()) << t.status().to_string();
  return t.ok() ? std::move(*t) : Tensor();
}

TEST_F(BundleFixturesTest, EveryBundleListsAndVerifiesWhatExpectedDetailStates) {
  auto expected = parse_expected_detail(path("EXPECTED_DETAIL.md"));
  for (const FixtureBundle& fixture : kBundles) {
    SCOPED_TRACE(fixture.prefix);
    auto reader = open(fixture.prefix);
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(reader->num_shards(), fixture.num_shards);
    EXPECT_TRUE(reader->verify_all().ok()) << reader->verify_all().to_string();
    const auto& want = expected[fixture.prefix];
    ASSERT_EQ(want.size(), fixture.num_tensors) << "EXPECTED_DETAIL.md lists this bundle";
    ASSERT_EQ(reader->entries().size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const BundleEntry& e = reader->entries()[i];
      const ExpectedTensor& w = want[i];
      ASSERT_EQ(e.name, w.name);
      EXPECT_EQ(dtype_name(e.dtype), w.dtype) << e.name;
      EXPECT_EQ(e.shape.to_string(), w.shape) << e.name;
      EXPECT_EQ(e.shard_id, w.shard) << e.name;
      EXPECT_EQ(e.offset, w.offset) << e.name;
      EXPECT_EQ(e.size, w.size) << e.name;
      EXPECT_EQ(e.masked_crc32c, w.masked_crc) << e.name;
      if (e.dtype == DType::kVariant) continue;
      Tensor t = read(*reader, e.name);
      expect_leading_values(t, w.leading_values, e.name);
      if (w.string_length) {
        ASSERT_EQ(t.strings().size(), 1u) << e.name;
        EXPECT_EQ(t.strings()[0].size(), *w.string_length) << e.name;
      }
    }
  }
}

TEST_F(BundleFixturesTest, HishmadEstimatorCheckpointsHoldGlobalStepAndWeights) {
  const int64_t steps[] = {4000, 4001, 6000, 6001, 8000};
  for (int64_t step : steps) {
    auto reader = open("hishmad-iris-estimator/iris_model/model.ckpt-" + std::to_string(step));
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(reader->entries().size(), 18u);
    EXPECT_TRUE(read(*reader, "global_step") == Tensor::scalar<int64_t>(step));
    Tensor rate = read(*reader, "dnn/learning_rate");
    EXPECT_EQ(rate.dtype(), DType::kFloat32);
    expect_close(rate.element_as_double(0), 0.05, "learning_rate");
  }
  auto reader = open("hishmad-iris-estimator/iris_model/model.ckpt-8000");
  ASSERT_NE(reader, nullptr);
  Tensor biases = read(*reader, "dnn/logits/biases");
  EXPECT_EQ(biases.shape(), TensorShape({3}));
  expect_leading_values(biases, {0.05881, 0.3518676, -0.3487124}, "logits/biases");
  Tensor weights = read(*reader, "dnn/hiddenlayer_0/weights");
  EXPECT_EQ(weights.shape(), TensorShape({4, 10}));
  expect_leading_values(weights, {-0.0450123, -0.3629392, 0.648939}, "hiddenlayer_0/weights");
  EXPECT_EQ(reader->find("dnn/hiddenlayer_2/weights/t_0/Adagrad")->shape, TensorShape({20, 10}));
}

TEST_F(BundleFixturesTest, HalfPlusTwoWithSnappyIndexHoldsItsFiveScalars) {
  auto reader = open("tf-serving-saved_model_half_plus_two_cpu/00000123/variables/variables");
  ASSERT_NE(reader, nullptr);
  const std::pair<const char*, float> want[] = {
      {"a", 0.5f}, {"a2", 0.5f}, {"b", 2.0f}, {"c", 3.0f}, {"c2", 3.0f}};
  ASSERT_EQ(reader->entries().size(), 5u);
  for (const auto& [name, value] : want) {
    EXPECT_TRUE(read(*reader, name) == Tensor::scalar<float>(value)) << name;
  }
}

TEST_F(BundleFixturesTest, TitanicKerasTwoShardsPutTheObjectGraphAloneInShardZero) {
  auto reader = open("titanic-keras-tf21/saved_model/variables/variables");
  ASSERT_NE(reader, nullptr);
  ASSERT_EQ(reader->num_shards(), 2);
  for (const BundleEntry& e : reader->entries()) {
    EXPECT_EQ(e.shard_id, e.name == "_CHECKPOINTABLE_OBJECT_GRAPH" ? 0 : 1) << e.name;
  }
  Tensor graph = read(*reader, "_CHECKPOINTABLE_OBJECT_GRAPH");
  ASSERT_EQ(graph.dtype(), DType::kString);
  ASSERT_EQ(graph.strings().size(), 1u);
  EXPECT_EQ(graph.strings()[0].size(), 4955u);
  EXPECT_TRUE(read(*reader, "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE") ==
              Tensor::scalar<int64_t>(3584));
  expect_leading_values(read(*reader, "layer-4/bias/.ATTRIBUTES/VARIABLE_VALUE"), {-0.0052851},
                        "layer-4/bias");
  EXPECT_TRUE(read(*reader, "keras_api/metrics/0/total/.ATTRIBUTES/VARIABLE_VALUE") ==
              Tensor::scalar<float>(782.0f));
  EXPECT_TRUE(read(*reader, "keras_api/metrics/0/count/.ATTRIBUTES/VARIABLE_VALUE") ==
              Tensor::scalar<float>(891.0f));
  EXPECT_EQ(reader->find("layer-0/kernel/.ATTRIBUTES/VARIABLE_VALUE")->shape,
            TensorShape({18, 70}));
}

TEST_F(BundleFixturesTest, SmallSavedModelsHoldTheirVariables) {
  auto rust = open("tensorflow-rust/test_resources/regression-model/variables/variables");
  ASSERT_NE(rust, nullptr);
  EXPECT_TRUE(read(*rust, "b") == Tensor::from_vector<float>({0.0f}, {1}));
  expect_leading_values(read(*rust, "w"), {-0.8578622}, "w");

  auto times_three = open("tfjs-node-saved-models/times_three_float/variables/variables");
  ASSERT_NE(times_three, nullptr);
  EXPECT_TRUE(read(*times_three, "v/.ATTRIBUTES/VARIABLE_VALUE") == Tensor::scalar<float>(3.0f));
  EXPECT_EQ(read(*times_three, "_CHECKPOINTABLE_OBJECT_GRAPH").strings().at(0).size(), 87u);

  auto multiply = open("tfjs-node-saved-models/int64_multiply/variables/variables");
  ASSERT_NE(multiply, nullptr);
  EXPECT_TRUE(read(*multiply, "v1/.ATTRIBUTES/VARIABLE_VALUE") == Tensor::scalar<int64_t>(3));
  EXPECT_TRUE(read(*multiply, "v2/.ATTRIBUTES/VARIABLE_VALUE") == Tensor::scalar<int64_t>(2));

  for (const char* prefix : {"tf2onnx-regression/checkpoint/model",
                             "tf2onnx-regression/saved_model/variables/variables"}) {
    auto reader = open(prefix);
    ASSERT_NE(reader, nullptr);
    expect_close(read(*reader, "W").element_as_double(0), 0.2139618, prefix);
    expect_close(read(*reader, "b").element_as_double(0), 1.0495254, prefix);
  }
}

TEST_F(BundleFixturesTest, TfCheckpointManagerBundlesListVariantStateButDoNotDecodeIt) {
  const int32_t steps[] = {380, 390, 400};
  for (int i = 0; i < 3; ++i) {
    std::string prefix = "tf-guide-checkpoints-james/tf_ckpts/ckpt-" + std::to_string(38 + i);
    SCOPED_TRACE(prefix);
    auto reader = open(prefix);
    ASSERT_NE(reader, nullptr);
    const std::string iterator = "iterator/.ATTRIBUTES/ITERATOR_STATE";
    const BundleEntry* e = reader->find(iterator);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->dtype, DType::kVariant);
    EXPECT_EQ(dtype_name(e->dtype), "variant");
    EXPECT_EQ(e->shape, TensorShape({1}));
    auto decoded = reader->read(iterator);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.status().code(), StatusCode::kUnimplemented);
    auto raw = reader->read_raw(iterator);
    ASSERT_TRUE(raw.ok()) << raw.status().to_string();
    ASSERT_EQ(raw->size(), 181u);
    // Independently: varint64 length 175 (2 bytes), the proto, a 4-byte crc;
    // the entry crc covers the length as a u64, the proto and that crc.
    auto byte = [&](size_t at) { return static_cast<unsigned>(static_cast<uint8_t>((*raw)[at])); };
    EXPECT_EQ((byte(0) & 0x7f) | (byte(1) << 7), 175u);
    uint64_t length = 175;
    uint32_t crc = crc32c::value(&length, sizeof(length));
    crc = crc32c::extend(crc, raw->data() + 2, 179);
    EXPECT_EQ(crc32c::mask(crc), e->masked_crc32c);
    EXPECT_NE(raw->find("tensorflow::Iterator"), std::string::npos);

    EXPECT_TRUE(read(*reader, "step/.ATTRIBUTES/VARIABLE_VALUE") ==
                Tensor::scalar<int32_t>(steps[i]));
    EXPECT_TRUE(read(*reader, "save_counter/.ATTRIBUTES/VARIABLE_VALUE") ==
                Tensor::scalar<int64_t>(38 + i));
    EXPECT_TRUE(read(*reader, "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE") ==
                Tensor::scalar<int64_t>(steps[i] - 1));
  }
  auto newest = open("tf-guide-checkpoints-james/tf_ckpts/ckpt-40");
  ASSERT_NE(newest, nullptr);
  Tensor kernel = read(*newest, "net/l1/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_EQ(kernel.shape(), TensorShape({1, 5}));
  expect_leading_values(kernel, {4.9742975, 5.0239987, 4.9707627}, "kernel");
  expect_leading_values(read(*newest, "net/l1/bias/.ATTRIBUTES/VARIABLE_VALUE"),
                        {0.0027684, 1.0311308, 1.9899427}, "bias");
  EXPECT_EQ(read(*newest, "_CHECKPOINTABLE_OBJECT_GRAPH").strings().at(0).size(), 1465u);

  auto easy = open("tf-guide-checkpoints-james/tmp/easy_checkpoint");
  ASSERT_NE(easy, nullptr);
  ASSERT_EQ(easy->entries().size(), 1u);
  EXPECT_EQ(read(*easy, "_CHECKPOINTABLE_OBJECT_GRAPH").strings().at(0),
            std::string("\n\x08\n\x06\x08\x01\x12\x02l1\n\x00", 12));
}

// Byte offset of the first difference, or -1 when `a` == `b`.
int64_t first_difference(const std::string& a, const std::string& b) {
  if (a == b) return -1;
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return static_cast<int64_t>(i);
}

// Rewrites `reader`'s tensors with BundleWriter at `prefix`, in the order of
// their offsets in each shard, so the data should come out identical.
Status rewrite_in_offset_order(const BundleReader& reader, const std::string& prefix) {
  std::vector<BundleEntry> order = reader.entries();
  std::sort(order.begin(), order.end(), [](const BundleEntry& a, const BundleEntry& b) {
    return std::tie(a.shard_id, a.offset) < std::tie(b.shard_id, b.offset);
  });
  CAIRN_ASSIGN_OR_RETURN(auto writer, BundleWriter::create(default_file_system(), prefix,
                                                           {.num_shards = reader.num_shards()}));
  for (const BundleEntry& e : order) {
    CAIRN_ASSIGN_OR_RETURN(Tensor t, reader.read(e.name));
    CAIRN_RETURN_IF_ERROR(writer->add_to_shard(e.name, t, e.shard_id));
  }
  return writer->finish();
}

TEST_F(BundleFixturesTest, RewritingABundleReproducesTensorFlowsFilesByteForByte) {
  FileSystem& fs = default_file_system();
  for (const FixtureBundle& fixture : kBundles) {
    if (fixture.has_variant) continue;  // cairn cannot write DT_VARIANT
    SCOPED_TRACE(fixture.prefix);
    auto reader = open(fixture.prefix);
    ASSERT_NE(reader, nullptr);
    testing::TempDir out;
    std::string prefix = out.path() + "/rewritten";
    Status written = rewrite_in_offset_order(*reader, prefix);
    ASSERT_TRUE(written.ok()) << written.to_string();

    bool identical = true;
    for (int shard = 0; shard < reader->num_shards(); ++shard) {
      auto theirs = fs.read_file(bundle_data_path(path(fixture.prefix), shard, fixture.num_shards));
      auto ours = fs.read_file(bundle_data_path(prefix, shard, fixture.num_shards));
      ASSERT_TRUE(theirs.ok() && ours.ok());
      int64_t at = first_difference(*theirs, *ours);
      EXPECT_EQ(at, -1) << "data shard " << shard << " differs at byte " << at;
      identical = identical && at == -1;
    }
    auto theirs = fs.read_file(bundle_index_path(path(fixture.prefix)));
    auto ours = fs.read_file(bundle_index_path(prefix));
    ASSERT_TRUE(theirs.ok() && ours.ok());
    int64_t at = first_difference(*theirs, *ours);
    if (fixture.snappy_index) {
      EXPECT_NE(at, -1) << "TensorFlow 1.14 compressed this index; cairn writes it uncompressed";
      EXPECT_LT(theirs->size(), ours->size());
    } else {
      EXPECT_EQ(at, -1) << "index differs at byte " << at << " (TensorFlow's " << theirs->size()
                        << " bytes, cairn's " << ours->size() << ")";
      identical = identical && at == -1;
    }
    std::cout << "[ byte-compat ] " << fixture.prefix << ": "
              << (identical ? "identical" : "DIFFERENT")
              << (fixture.snappy_index ? " (data; index snappy-compressed by TF)" : "") << "\n";
  }
}

// Regression: cairn omitted BundleEntryProto.shape for scalars, so its index
// differed from TensorFlow's (which always writes the field, empty for a
// scalar: bytes 12 00) although both decode to the same entries.
TEST(BundleWriterTensorFlowLayout, ScalarEntryCarriesAnEmptyShapeFieldAsTensorFlowWrites) {
  testing::TempDir dir;
  std::string prefix = dir.path() + "/scalar";
  auto writer = BundleWriter::create(default_file_system(), prefix);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->add("step", Tensor::scalar<int64_t>(1)).ok());
  ASSERT_TRUE((*writer)->finish().ok());
  auto file = default_file_system().new_random_access_file(bundle_index_path(prefix));
  ASSERT_TRUE(file.ok());
  auto table = read_table(**file);
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  ASSERT_EQ(table->size(), 2u);
  tensorflow::BundleEntryProto entry;
  ASSERT_TRUE(entry.ParseFromString((*table)[1].second));
  EXPECT_TRUE(entry.has_shape()) << "TensorFlow writes `shape {}` for a scalar";
  EXPECT_EQ(entry.shape().dim_size(), 0);
}

}  // namespace
}  // namespace cairn
