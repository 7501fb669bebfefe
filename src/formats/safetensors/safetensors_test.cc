// write_safetensors and SafetensorsReader: round trips of every dtype
// safetensors names, the layout the reference implementation requires
// (contiguous, fully covered buffer; header padded with spaces to a
// 64-byte boundary), and an independent reader (/usr/bin/python3 + numpy
// following the format's specification) reading what cairn writes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cairn/formats/safetensors/safetensors.h"
#include "cairn/formats/safetensors/safetensors_reader.h"
#include "cairn/formats/safetensors/safetensors_writer.h"
#include "cairn/io/coding.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

// A tensor of `dtype` and `shape` whose bytes count up from `seed`.
Tensor patterned(DType dtype, TensorShape shape, int seed) {
  Tensor t(dtype, std::move(shape));
  auto* bytes = reinterpret_cast<unsigned char*>(t.data());
  for (size_t i = 0; i < t.byte_size(); ++i) {
    bytes[i] = dtype == DType::kBool ? (i + seed) % 2 : static_cast<unsigned char>(i * 7 + seed);
  }
  return t;
}

std::vector<std::pair<std::string, Tensor>> every_dtype() {
  std::vector<std::pair<std::string, Tensor>> out;
  int seed = 1;
  for (DType d :
       {DType::kBool, DType::kUint8, DType::kInt8, DType::kFloat8E5m2, DType::kFloat8E4m3fn,
        DType::kInt16, DType::kUint16, DType::kHalf, DType::kBfloat16, DType::kInt32,
        DType::kUint32, DType::kFloat32, DType::kFloat64, DType::kInt64, DType::kUint64}) {
    out.emplace_back("t/" + std::string(dtype_name(d)), patterned(d, {3, seed % 4 + 1}, seed));
    ++seed;
  }
  out.emplace_back("scalar", Tensor::scalar<float>(2.5f));
  out.emplace_back("empty", Tensor(DType::kFloat32, {0, 4}));
  return out;
}

std::vector<SafetensorsTensor> refs(const std::vector<std::pair<std::string, Tensor>>& tensors) {
  std::vector<SafetensorsTensor> out;
  for (const auto& [name, t] : tensors) out.push_back({name, &t});
  return out;
}

TEST(SafetensorsTest, EveryDtypeRoundTripsBitExactWithMetadata) {
  MemoryFileSystem fs;
  const auto tensors = every_dtype();
  const std::map<std::string, std::string> metadata = {{"format", "tf"}, {"note", "ü \"q\""}};
  ASSERT_TRUE(write_safetensors(fs, "/m.safetensors", refs(tensors), metadata).ok());
  auto reader = SafetensorsReader::open(fs, "/m.safetensors");
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_EQ((*reader)->metadata(), metadata);
  ASSERT_EQ((*reader)->entries().size(), tensors.size());
  for (const auto& [name, t] : tensors) {
    auto back = (*reader)->read(name);
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_TRUE(*back == t) << name;
  }
}

TEST(SafetensorsTest, BufferStartsAt64BytesAndTensorsAreContiguousWidestFirst) {
  MemoryFileSystem fs;
  const auto tensors = every_dtype();
  ASSERT_TRUE(write_safetensors(fs, "/m.safetensors", refs(tensors)).ok());
  const std::string bytes = *fs.read_file("/m.safetensors");
  const uint64_t n = decode_fixed64(bytes.data());
  EXPECT_EQ((8 + n) % 64, 0u);
  EXPECT_EQ(bytes[8], '{');
  EXPECT_EQ(bytes.find_first_not_of(' ', bytes.find_last_of('}', 8 + n) + 1), 8 + n)
      << "the header is padded with spaces only";
  auto reader = SafetensorsReader::open(fs, "/m.safetensors");
  ASSERT_TRUE(reader.ok());
  std::vector<SafetensorsEntry> by_offset = (*reader)->entries();
  std::sort(by_offset.begin(), by_offset.end(), [](const auto& a, const auto& b) {
    return std::pair(a.begin, a.end) < std::pair(b.begin, b.end);
  });
  size_t previous_width = 8;
  for (const SafetensorsEntry& e : by_offset) {
    EXPECT_EQ(e.begin % dtype_size(e.dtype), 0u) << e.name;
    EXPECT_LE(dtype_size(e.dtype), previous_width) << e.name;
    previous_width = dtype_size(e.dtype);
  }
  EXPECT_EQ(by_offset.back().end, bytes.size() - 8 - n);
}

TEST(SafetensorsTest, RefusesWhatTheFormatCannotHoldNamingTheTensor) {
  MemoryFileSystem fs;
  Tensor words = Tensor::from_strings({"a"}, {1});
  Tensor x = Tensor::scalar<float>(1);
  std::vector<SafetensorsTensor> strings = {{"vocab", &words}};
  Status s = write_safetensors(fs, "/m.safetensors", strings);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'vocab'"), std::string::npos) << s.to_string();
  std::vector<SafetensorsTensor> twice = {{"x", &x}, {"x", &x}};
  EXPECT_EQ(write_safetensors(fs, "/m.safetensors", twice).code(), StatusCode::kInvalidArgument);
  std::vector<SafetensorsTensor> reserved = {{"__metadata__", &x}};
  EXPECT_EQ(write_safetensors(fs, "/m.safetensors", reserved).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs.file_exists("/m.safetensors"));
}

// The format's specification, read with numpy: checks the layout the
// reference implementation validates and prints every tensor as JSON.
constexpr const char* kIndependentReader = R"PY(
import json, struct, sys
import numpy as np
data = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', data[:8])[0]
assert (8 + n) % 64 == 0, 'buffer not 64-byte aligned'
header = json.loads(data[8:8 + n].decode('utf-8'))
buf = data[8 + n:]
meta = header.pop('__metadata__', {})
types = {'BOOL': np.bool_, 'U8': np.uint8, 'I8': np.int8, 'I16': np.int16, 'U16': np.uint16,
         'F16': np.float16, 'I32': np.int32, 'U32': np.uint32, 'F32': np.float32,
         'F64': np.float64, 'I64': np.int64, 'U64': np.uint64}
start = 0
out = {}
for name, info in sorted(header.items(), key=lambda kv: tuple(kv[1]['data_offsets'])):
    b, e = info['data_offsets']
    assert b == start, 'hole or overlap at ' + name
    start = e
    dt = np.dtype(types[info['dtype']]).newbyteorder('<')
    arr = np.frombuffer(buf[b:e], dtype=dt).reshape(info['shape'])
    out[name] = {'dtype': info['dtype'], 'shape': list(arr.shape),
                 'values': arr.astype(np.float64).ravel().tolist()}
assert start == len(buf), 'buffer not fully covered'
print(json.dumps({'metadata': meta, 'tensors': out}))
)PY";

TEST(SafetensorsTest, NumpyReadsWhatCairnWritesByTheSpecification) {
  if (!testing::python_has_modules("numpy")) GTEST_SKIP() << "/usr/bin/python3 lacks numpy";
  testing::TempDir dir;
  std::vector<std::pair<std::string, Tensor>> tensors = {
      {"dense/kernel", Tensor::from_vector<float>({0.5f, -1.25f, 3.0f, 1e-3f}, {2, 2})},
      {"dense/bias", Tensor::from_vector<double>({0.1, -2.0}, {2})},
      {"step", Tensor::scalar<int64_t>(-7)},
      {"mask", Tensor::from_vector<bool>({true, false, true}, {3})},
      {"h", Tensor::from_vector<half>({half::from_float(1.5f)}, {1, 1})},
      {"ids", Tensor::from_vector<int32_t>({1, 2, 3}, {3})}};
  const std::string path = dir.path() + "/m.safetensors";
  ASSERT_TRUE(write_safetensors(default_file_system(), path, refs(tensors), {{"k", "v"}}).ok());
  const std::string script = dir.path() + "/read.py";
  ASSERT_TRUE(default_file_system().write_file_atomically(script, kIndependentReader).ok());
  auto run = testing::run_command("/usr/bin/python3 " + testing::shell_quote(script) + " " +
                                  testing::shell_quote(path));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["metadata"], nlohmann::json({{"k", "v"}}));
  ASSERT_EQ(doc["tensors"].size(), tensors.size());
  for (const auto& [name, t] : tensors) {
    const nlohmann::json& got = doc["tensors"][name];
    EXPECT_EQ(got["dtype"], *safetensors_dtype_name(t.dtype())) << name;
    EXPECT_EQ(got["shape"], nlohmann::json(t.shape().dims())) << name;
    ASSERT_EQ(got["values"].size(), static_cast<size_t>(t.num_elements())) << name;
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      const double want = t.dtype() == DType::kHalf
                              ? t.flat<half>()[static_cast<size_t>(i)].to_float()
                              : t.element_as_double(i);
      EXPECT_EQ(got["values"][static_cast<size_t>(i)].get<double>(), want) << name << " " << i;
    }
  }
}

}  // namespace
}  // namespace cairn
