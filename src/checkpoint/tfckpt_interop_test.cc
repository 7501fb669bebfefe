// Checkpoints cairn writes are accepted by a reader cairn did not write:
// ../shared/tools/tfckpt.py, an independent Python decoder of TensorFlow's
// bundle format. It must list every tensor with our names, dtypes and
// shapes, find every crc32c correct, decode the same values, read the
// `checkpoint` state file, and reject a bundle we corrupt on purpose.
// Skips when ../shared or /usr/bin/python3's crc32c/snappy modules are absent.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "cairn/checkpoint/checkpoint_manager.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/in_process_group.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using nlohmann::json;

// The dtypes tfckpt.py decodes (every one cairn writes).
constexpr DType kEveryDtype[] = {
    DType::kFloat32, DType::kFloat64, DType::kInt32,  DType::kUint8,  DType::kInt16,
    DType::kInt8,    DType::kString,  DType::kInt64,  DType::kBool,   DType::kBfloat16,
    DType::kUint16,  DType::kHalf,    DType::kUint32, DType::kUint64,
};

// Random elements; floats are finite, since JSON has no NaN or infinity.
Tensor random_tensor(std::mt19937_64& rng, DType dtype, TensorShape shape) {
  if (dtype == DType::kString) {
    std::vector<std::string> values(static_cast<size_t>(shape.num_elements()));
    for (std::string& s : values) {
      s.resize(rng() % 3 == 0 ? 0 : rng() % 300);
      for (char& c : s) c = static_cast<char>(rng());
    }
    return Tensor::from_strings(std::move(values), std::move(shape));
  }
  Tensor t(dtype, std::move(shape));
  std::normal_distribution<double> normal(0.0, 100.0);
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    auto at = static_cast<size_t>(i);
    uint64_t bits = rng();
    switch (dtype) {
      case DType::kFloat32:
        t.flat<float>()[at] = static_cast<float>(normal(rng));
        break;
      case DType::kFloat64:
        t.flat<double>()[at] = normal(rng) * 1e-5;
        break;
      case DType::kHalf:
        t.flat<half>()[at] = half::from_float(static_cast<float>(normal(rng)));
        break;
      case DType::kBfloat16:
        t.flat<bfloat16>()[at] = bfloat16::from_float(static_cast<float>(normal(rng)));
        break;
      case DType::kBool:
        t.flat<bool>()[at] = (bits & 1) != 0;
        break;
      default:  // integers: random bytes cover the whole range
        std::memcpy(t.data() + at * dtype_size(dtype), &bits, dtype_size(dtype));
    }
  }
  return t;
}

// The JSON value tfckpt.py prints for element `i` of `t`, as a double or
// exact integer comparison.
void expect_value(const Tensor& t, int64_t i, const json& got, const std::string& what) {
  auto at = static_cast<size_t>(i);
  switch (t.dtype()) {
    case DType::kInt64:
      EXPECT_EQ(got.get<int64_t>(), t.flat<int64_t>()[at]) << what;
      break;
    case DType::kUint64:
      EXPECT_EQ(got.get<uint64_t>(), t.flat<uint64_t>()[at]) << what;
      break;
    case DType::kBool:
      EXPECT_EQ(got.get<bool>(), t.flat<bool>()[at]) << what;
      break;
    default:
      EXPECT_EQ(got.get<double>(), t.element_as_double(i)) << what;
  }
}

class TfckptInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tools_ = testing::tools_dir();
    if (!tools_) GTEST_SKIP() << testing::kNoSharedMessage;
    if (!testing::python_has_modules("crc32c snappy")) {
      GTEST_SKIP() << "/usr/bin/python3 cannot import crc32c and snappy (Debian packages "
                      "python3-crc32c, python3-snappy): cannot run tfckpt.py, skipping";
    }
  }

  testing::CommandResult tfckpt(const std::string& args) {
    return testing::run_command("/usr/bin/python3 " + testing::shell_quote(*tools_ + "/tfckpt.py") +
                                " " + args);
  }

  // tfckpt.py's --json listing of `prefix`, which must exit 0.
  json listing(const std::string& prefix) {
    auto run = tfckpt(testing::shell_quote(prefix) + " --json");
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    return json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  }

  // Checks tfckpt.py lists exactly `written`, every crc correct, with our
  // values; returns how many elements were compared.
  int expect_listing_matches(const std::string& prefix, const NamedTensors& written,
                             int num_shards) {
    json doc = listing(prefix);
    EXPECT_FALSE(doc.is_discarded()) << "tfckpt.py printed no JSON";
    if (doc.is_discarded()) return 0;
    EXPECT_EQ(doc["header"]["num_shards"], num_shards);
    std::map<std::string, const Tensor*> by_name;
    for (const auto& [name, tensor] : written) by_name[name] = &tensor;
    EXPECT_EQ(doc["tensors"].size(), by_name.size());
    CheckpointReader ours(prefix);
    int compared = 0;
    for (const json& e : doc["tensors"]) {
      std::string name = e["name"];
      EXPECT_EQ(by_name.count(name), 1u) << "tfckpt.py lists a tensor never written: " << name;
      if (by_name.count(name) == 0) continue;
      const Tensor& t = *by_name[name];
      EXPECT_EQ(e["crc_ok"], true) << name;
      EXPECT_EQ(e["dtype_name"].get<std::string>(), dtype_name(t.dtype())) << name;
      EXPECT_EQ(e["shape"].get<std::vector<int64_t>>(), t.shape().dims()) << name;
      EXPECT_EQ(e["shard_id"], ours.bundle().find(name)->shard_id) << name;
      if (!e.contains("values")) continue;
      EXPECT_EQ(static_cast<int64_t>(e["values"].size()), t.num_elements()) << name;
      if (static_cast<int64_t>(e["values"].size()) != t.num_elements()) continue;
      for (int64_t i = 0; i < t.num_elements(); ++i) {
        expect_value(t, i, e["values"][static_cast<size_t>(i)], name);
        ++compared;
      }
    }
    return compared;
  }

  std::optional<std::string> tools_;
  testing::TempDir dir_;
  std::mt19937_64 rng_{20240607};
};

TEST_F(TfckptInteropTest, EveryDtypeInSeveralShardsIsReadWithOurValuesAndCorrectCrcs) {
  NamedTensors written;
  for (DType dtype : kEveryDtype) {
    std::string base(dtype_name(dtype));
    written.push_back({base + "/scalar", random_tensor(rng_, dtype, {})});
    written.push_back({base + "/empty", random_tensor(rng_, dtype, {0, 3})});
    written.push_back({base + "/matrix", random_tensor(rng_, dtype, {5, 7})});
    written.push_back({base + "/rank4", random_tensor(rng_, dtype, {2, 1, 3, 2})});
  }
  written.push_back(
      {"strings/long", Tensor::from_strings({std::string(100 * 1024, 'x'), ""}, {2})});
  written.push_back({"strings/many", random_tensor(rng_, DType::kString, {40, 25})});
  std::string prefix = dir_.path() + "/model.ckpt-1";
  save_variables(prefix, written, {.num_shards = 3});
  int compared = expect_listing_matches(prefix, written, 3);
  EXPECT_GE(compared, 12 * (1 + 35 + 12)) << "tfckpt.py decodes values of 12 fixed-width dtypes";
}

TEST_F(TfckptInteropTest, EightShardsOfManyTensorsAllPassItsChecks) {
  NamedTensors written;
  for (int i = 0; i < 400; ++i) {
    DType dtype = kEveryDtype[static_cast<size_t>(i) % std::size(kEveryDtype)];
    written.push_back({"layer_" + std::to_string(i) + "/.ATTRIBUTES/VARIABLE_VALUE",
                       random_tensor(rng_, dtype, {static_cast<int64_t>(rng_() % 20)})});
  }
  std::string prefix = dir_.path() + "/sharded";
  save_variables(prefix, written, {.num_shards = 8});
  expect_listing_matches(prefix, written, 8);
}

TEST_F(TfckptInteropTest, CheckpointsSavedByTwoAndThreeRanksAreReadWithOurValues) {
  NamedTensors written;
  for (DType dtype : kEveryDtype) {
    written.push_back({std::string(dtype_name(dtype)) + "/kernel",
                       random_tensor(rng_, dtype, {static_cast<int64_t>(rng_() % 50), 3})});
  }
  for (int ranks : {2, 3}) {
    const std::string dir = dir_.path() + "/ranks" + std::to_string(ranks);
    InProcessGroup group(ranks, {.timeout_seconds = 60});
    group.run([&](ProcessGroup& rank) {
      CheckpointManager({.directory = dir, .group = &rank}).save(100, written);
    });
    expect_listing_matches(dir + "/model.ckpt-100", written, ranks);
  }
}

TEST_F(TfckptInteropTest, StateFileReadsAsTheCheckpointsWeSaved) {
  for (int step : {10, 20, 30}) {
    save_variables(dir_.path() + "/model.ckpt-" + std::to_string(step),
                   {{"step", Tensor::scalar<int64_t>(step)}});
  }
  auto run = tfckpt("--state " + testing::shell_quote(dir_.path()));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  json state = json::parse(run.out);
  EXPECT_EQ(state["model_checkpoint_path"], "model.ckpt-30");
  EXPECT_EQ(state["all_model_checkpoint_paths"],
            json::array({"model.ckpt-10", "model.ckpt-20", "model.ckpt-30"}));
}

TEST_F(TfckptInteropTest, CorruptedBundleIsRejectedByTfckpt) {
  std::string prefix = dir_.path() + "/model.ckpt-1";
  save_variables(prefix, {{"kernel", random_tensor(rng_, DType::kFloat32, {8, 8})},
                          {"vocab", Tensor::from_strings({"a", "bc"}, {2})}});
  ASSERT_EQ(tfckpt(testing::shell_quote(prefix)).exit_code, 0);

  std::string data = prefix + ".data-00000-of-00001";
  {
    std::fstream f(data, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(17);
    char byte = static_cast<char>(f.get());
    f.seekp(17);
    f.put(static_cast<char>(byte ^ 0x55));
  }
  auto run = tfckpt(testing::shell_quote(prefix));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("kernel"), std::string::npos) << run.out;

  std::string index = prefix + ".index";
  std::filesystem::resize_file(index, std::filesystem::file_size(index) - 1);
  EXPECT_EQ(tfckpt(testing::shell_quote(prefix)).exit_code, 1);
}

}  // namespace
}  // namespace cairn
