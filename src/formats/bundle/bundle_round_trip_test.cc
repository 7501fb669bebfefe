// Randomized write/read round trips of tensor bundles through both file
// systems a user meets: the in-memory one (tests) and POSIX (real disks).
// Every dtype, scalars, empty tensors, ranks up to 4, large and many strings,
// 1 to 8 shards and thousands of tensors come back exactly as written.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

constexpr uint64_t kSeed = 0x5eed2024;

constexpr DType kEveryDtype[] = {
    DType::kFloat32, DType::kFloat64, DType::kInt32,  DType::kUint8,  DType::kInt16,
    DType::kInt8,    DType::kString,  DType::kInt64,  DType::kBool,   DType::kBfloat16,
    DType::kUint16,  DType::kHalf,    DType::kUint32, DType::kUint64,
};

// Tensors by name; std::map orders names bytewise, as the bundle index does.
using TensorMap = std::map<std::string, Tensor>;

std::string random_bytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// A tensor of `dtype` and `shape` whose elements are random bytes (random
// strings of 0 to 40 bytes; bools 0 or 1).
Tensor random_tensor(std::mt19937_64& rng, DType dtype, TensorShape shape) {
  if (dtype == DType::kString) {
    std::vector<std::string> values(static_cast<size_t>(shape.num_elements()));
    for (std::string& s : values) s = random_bytes(rng, rng() % 41);
    return Tensor::from_strings(std::move(values), std::move(shape));
  }
  Tensor t(dtype, std::move(shape));
  if (dtype == DType::kBool) {
    for (bool& b : t.flat<bool>()) b = (rng() & 1) != 0;
    return t;
  }
  auto* raw = reinterpret_cast<unsigned char*>(t.data());
  for (size_t i = 0; i < t.byte_size(); ++i) raw[i] = static_cast<unsigned char>(rng());
  return t;
}

// Rank `rank`, each dimension in [min_dim, 5].
TensorShape random_shape(std::mt19937_64& rng, int rank, int64_t min_dim) {
  std::vector<int64_t> dims;
  for (int i = 0; i < rank; ++i) dims.push_back(min_dim + static_cast<int64_t>(rng() % 6));
  return TensorShape(std::move(dims));
}

std::string shape_of(const Tensor& t) { return t.shape().to_string(); }

enum class FsKind { kMemory, kPosix };

class BundleRoundTripTest : public ::testing::TestWithParam<FsKind> {
 protected:
  void SetUp() override { ASSERT_TRUE(fs().create_directories(root()).ok()); }

  FileSystem& fs() {
    if (GetParam() == FsKind::kMemory) return memory_;
    return default_file_system();
  }
  std::string root() const { return GetParam() == FsKind::kMemory ? "/bundles" : temp_.path(); }

  // Writes `tensors` in a shuffled order, so data order differs from name order.
  Status write(const std::string& prefix, const TensorMap& tensors, int num_shards = 1) {
    std::vector<const TensorMap::value_type*> order;
    for (const auto& item : tensors) order.push_back(&item);
    std::shuffle(order.begin(), order.end(), rng_);
    CAIRN_ASSIGN_OR_RETURN(auto writer,
                           BundleWriter::create(fs(), prefix, {.num_shards = num_shards}));
    for (const auto* item : order) CAIRN_RETURN_IF_ERROR(writer->add(item->first, item->second));
    return writer->finish();
  }

  // Opens `prefix` and checks it lists and reads back exactly `expected`.
  void expect_bundle_holds(const std::string& prefix, const TensorMap& expected) {
    auto reader = BundleReader::open(fs(), prefix);
    ASSERT_TRUE(reader.ok()) << reader.status().to_string();
    const auto& entries = (*reader)->entries();
    ASSERT_EQ(entries.size(), expected.size());
    auto want = expected.begin();
    for (const BundleEntry& e : entries) {
      ASSERT_EQ(e.name, want->first) << "entries() must be sorted by name";
      EXPECT_EQ(e.dtype, want->second.dtype()) << e.name;
      EXPECT_EQ(e.shape, want->second.shape()) << e.name;
      auto got = (*reader)->read(e.name);
      ASSERT_TRUE(got.ok()) << got.status().to_string();
      EXPECT_TRUE(*got == want->second)
          << e.name << ": " << dtype_name(e.dtype) << " " << shape_of(want->second);
      ++want;
    }
    EXPECT_TRUE((*reader)->verify_all().ok());
  }

  std::mt19937_64 rng_{kSeed};
  MemoryFileSystem memory_;
  testing::TempDir temp_;
};

TEST_P(BundleRoundTripTest, EveryDtypeRoundTripsScalarsEmptyTensorsAndRanksUpTo4) {
  TensorMap tensors;
  for (DType dtype : kEveryDtype) {
    std::string base(dtype_name(dtype));
    tensors[base + "/scalar"] = random_tensor(rng_, dtype, {});
    tensors[base + "/empty"] = random_tensor(rng_, dtype, {0});
    tensors[base + "/empty_inner_dim"] = random_tensor(rng_, dtype, {3, 0, 2});
    for (int rank = 1; rank <= 4; ++rank) {
      tensors[base + "/rank" + std::to_string(rank)] =
          random_tensor(rng_, dtype, random_shape(rng_, rank, 1));
    }
    for (int i = 0; i < 6; ++i) {  // any rank 0-4, sometimes a zero dimension
      tensors[base + "/random" + std::to_string(i)] =
          random_tensor(rng_, dtype, random_shape(rng_, static_cast<int>(rng_() % 5), 0));
    }
  }
  std::string prefix = root() + "/model.ckpt-1";
  ASSERT_TRUE(write(prefix, tensors).ok());
  expect_bundle_holds(prefix, tensors);
}

TEST_P(BundleRoundTripTest, StringsWithEmptyLongBinaryAndManyElementsRoundTrip) {
  TensorMap tensors;
  tensors["empty_scalar"] = Tensor::from_strings({""}, {});
  tensors["no_elements"] = Tensor::from_strings({}, {2, 0, 3});
  tensors["long_100kb"] = Tensor::from_strings({random_bytes(rng_, 100 * 1024)}, {});
  tensors["mixed"] =
      Tensor::from_strings({"", std::string(127, 'a'), std::string(128, 'b'),
                            std::string("nul\0inside", 10), random_bytes(rng_, 70000), ""},
                           {2, 3});
  std::vector<std::string> many(20000);
  for (std::string& s : many) s = random_bytes(rng_, rng_() % 9);
  tensors["many_20000"] = Tensor::from_strings(std::move(many), {100, 200});
  std::string prefix = root() + "/strings";
  ASSERT_TRUE(write(prefix, tensors).ok());
  expect_bundle_holds(prefix, tensors);
}

TEST_P(BundleRoundTripTest, OneToEightShardsWriteEveryDataFileAndSpreadTensors) {
  for (int n = 1; n <= 8; ++n) {
    SCOPED_TRACE("num_shards = " + std::to_string(n));
    std::string dir = root() + "/shards" + std::to_string(n);
    ASSERT_TRUE(fs().create_directories(dir).ok());
    TensorMap tensors;
    for (int i = 0; i < 24; ++i) {
      DType dtype = kEveryDtype[static_cast<size_t>(i) % std::size(kEveryDtype)];
      tensors["var" + std::to_string(i)] = random_tensor(rng_, dtype, {4, 4});
    }
    std::string prefix = dir + "/model";
    ASSERT_TRUE(write(prefix, tensors, n).ok());

    std::set<std::string> want_files = {"model.index"};
    for (int i = 0; i < n; ++i) {
      char name[64];
      std::snprintf(name, sizeof(name), "model.data-%05d-of-%05d", i, n);
      want_files.insert(name);
    }
    auto listed = fs().list_directory(dir);
    ASSERT_TRUE(listed.ok());
    EXPECT_EQ(std::set<std::string>(listed->begin(), listed->end()), want_files)
        << "exactly the index and N data files, no temporaries";

    auto reader = BundleReader::open(fs(), prefix);
    ASSERT_TRUE(reader.ok()) << reader.status().to_string();
    EXPECT_EQ((*reader)->num_shards(), n);
    std::set<int> used;
    for (const BundleEntry& e : (*reader)->entries()) used.insert(e.shard_id);
    EXPECT_EQ(static_cast<int>(used.size()), n) << "add() spreads tensors over every shard";
    expect_bundle_holds(prefix, tensors);
  }
}

TEST_P(BundleRoundTripTest, ThousandsOfTensorsRoundTripAndFindLooksUpByName) {
  TensorMap tensors;
  for (int i = 0; i < 3000; ++i) {
    // Long names make the index span more than one 256 KiB table block.
    char name[128];
    std::snprintf(name, sizeof(name),
                  "block_%04d/a_layer_with_a_rather_long_descriptive_name/%s/.ATTRIBUTES/"
                  "VARIABLE_VALUE",
                  (i * 7919) % 3000, i % 2 ? "kernel" : "bias");
    DType dtype = kEveryDtype[static_cast<size_t>(i) % std::size(kEveryDtype)];
    tensors[name] = random_tensor(rng_, dtype, random_shape(rng_, static_cast<int>(rng_() % 3), 0));
  }
  std::string prefix = root() + "/many";
  ASSERT_TRUE(write(prefix, tensors).ok());
  auto index_size = fs().file_size(bundle_index_path(prefix));
  ASSERT_TRUE(index_size.ok());
  EXPECT_GT(*index_size, 256u * 1024) << "the index should hold several table blocks";
  expect_bundle_holds(prefix, tensors);

  auto reader = BundleReader::open(fs(), prefix);
  ASSERT_TRUE(reader.ok());
  for (const auto& [name, tensor] : tensors) {
    const BundleEntry* e = (*reader)->find(name);
    ASSERT_NE(e, nullptr) << name;
    EXPECT_EQ(e->name, name);
    EXPECT_EQ(e->dtype, tensor.dtype());
  }
  for (std::string absent : {"", "block_", "block_0000", "block_0000/a_layer",
                             "block_2999/a_layer_with_a_rather_long_descriptive_name/kernel/"
                             ".ATTRIBUTES/VARIABLE_VALUE_",
                             "zzz", "\xff"}) {
    EXPECT_EQ((*reader)->find(absent), nullptr) << absent;
    auto got = (*reader)->read(absent);
    ASSERT_FALSE(got.ok()) << absent;
    EXPECT_EQ(got.status().code(), StatusCode::kNotFound) << absent;
  }
}

TEST_P(BundleRoundTripTest, OneReaderServesConcurrentReadsAcrossShards) {
  TensorMap tensors;
  for (int i = 0; i < 64; ++i) {
    DType dtype = kEveryDtype[static_cast<size_t>(i) % std::size(kEveryDtype)];
    tensors["t" + std::to_string(i)] = random_tensor(rng_, dtype, {8, 8});
  }
  std::string prefix = root() + "/concurrent";
  ASSERT_TRUE(write(prefix, tensors, 4).ok());
  auto reader = BundleReader::open(fs(), prefix);
  ASSERT_TRUE(reader.ok());
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (const auto& [name, tensor] : tensors) {
        auto got = (*reader)->read(name);
        if (!got.ok() || !(*got == tensor)) ++mismatches;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST_P(BundleRoundTripTest, DataIsStoredInAddOrderWhileTheIndexIsSortedByName) {
  std::string prefix = root() + "/order";
  auto writer = BundleWriter::create(fs(), prefix);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->add("b", Tensor::scalar<int32_t>(1)).ok());
  ASSERT_TRUE((*writer)->add("c", Tensor::scalar<int64_t>(2)).ok());
  ASSERT_TRUE((*writer)->add("a", Tensor::scalar<float>(3)).ok());
  ASSERT_TRUE((*writer)->finish().ok());
  auto reader = BundleReader::open(fs(), prefix);
  ASSERT_TRUE(reader.ok());
  const auto& entries = (*reader)->entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "a");
  EXPECT_EQ(entries[0].offset, 12u);
  EXPECT_EQ(entries[1].name, "b");
  EXPECT_EQ(entries[1].offset, 0u);
  EXPECT_EQ(entries[2].name, "c");
  EXPECT_EQ(entries[2].offset, 4u);
}

TEST_P(BundleRoundTripTest, ATensorReadsWithoutTheOtherShardsBeingReadable) {
  std::string prefix = root() + "/two_shards";
  auto writer = BundleWriter::create(fs(), prefix, {.num_shards = 2});
  ASSERT_TRUE(writer.ok());
  Tensor in_first = random_tensor(rng_, DType::kFloat32, {3, 4});
  Tensor in_second = random_tensor(rng_, DType::kInt64, {5});
  ASSERT_TRUE((*writer)->add_to_shard("first", in_first, 0).ok());
  ASSERT_TRUE((*writer)->add_to_shard("second", in_second, 1).ok());
  ASSERT_TRUE((*writer)->finish().ok());
  std::string lost = bundle_data_path(prefix, 1, 2);
  ASSERT_TRUE(fs().remove_file(lost).ok());

  auto reader = BundleReader::open(fs(), prefix);
  ASSERT_TRUE(reader.ok()) << "open() reads only the index";
  auto first = (*reader)->read("first");
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_TRUE(*first == in_first);
  auto second = (*reader)->read("second");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kNotFound);
  EXPECT_NE(second.status().message().find(lost), std::string::npos) << second.status().message();
  EXPECT_NE(second.status().message().find("second"), std::string::npos)
      << second.status().message();
}

TEST_P(BundleRoundTripTest, WriterRefusesEmptyAndDuplicateNamesAndStaysUsable) {
  std::string prefix = root() + "/names";
  auto writer = BundleWriter::create(fs(), prefix);
  ASSERT_TRUE(writer.ok());
  Tensor first = Tensor::scalar<int32_t>(1);
  ASSERT_TRUE((*writer)->add("w", first).ok());
  Status empty = (*writer)->add("", first);
  EXPECT_EQ(empty.code(), StatusCode::kInvalidArgument) << empty.to_string();
  Status twice = (*writer)->add("w", Tensor::scalar<int32_t>(2));
  EXPECT_EQ(twice.code(), StatusCode::kInvalidArgument) << twice.to_string();
  EXPECT_NE(twice.message().find("w"), std::string::npos) << twice.message();
  Status bad_shard = (*writer)->add_to_shard("x", first, 1);
  EXPECT_EQ(bad_shard.code(), StatusCode::kInvalidArgument) << bad_shard.to_string();
  ASSERT_TRUE((*writer)->finish().ok()) << "a refused add() does not poison the writer";
  expect_bundle_holds(prefix, {{"w", first}});
}

TEST_P(BundleRoundTripTest, WriterDestroyedWithoutFinishLeavesNoFiles) {
  std::string dir = root() + "/abandoned";
  ASSERT_TRUE(fs().create_directories(dir).ok());
  {
    auto writer = BundleWriter::create(fs(), dir + "/model", {.num_shards = 3});
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->add("w", random_tensor(rng_, DType::kFloat32, {100})).ok());
    ASSERT_TRUE((*writer)->add("s", random_tensor(rng_, DType::kString, {10})).ok());
  }
  auto listed = fs().list_directory(dir);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty()) << listed->front();
}

TEST_P(BundleRoundTripTest, WriterDestroyedWithoutFinishLeavesEarlierBundleReadable) {
  std::string dir = root() + "/kept";
  ASSERT_TRUE(fs().create_directories(dir).ok());
  std::string prefix = dir + "/model";
  TensorMap earlier = {{"w", random_tensor(rng_, DType::kFloat32, {8})},
                       {"step", Tensor::scalar<int64_t>(1)}};
  ASSERT_TRUE(write(prefix, earlier).ok());
  auto before = fs().list_directory(dir);
  ASSERT_TRUE(before.ok());
  {
    auto writer = BundleWriter::create(fs(), prefix);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->add("w", random_tensor(rng_, DType::kFloat32, {8})).ok());
    ASSERT_TRUE((*writer)->add("step", Tensor::scalar<int64_t>(2)).ok());
  }
  auto after = fs().list_directory(dir);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *before);
  expect_bundle_holds(prefix, earlier);
}

INSTANTIATE_TEST_SUITE_P(FileSystems, BundleRoundTripTest,
                         ::testing::Values(FsKind::kMemory, FsKind::kPosix),
                         [](const ::testing::TestParamInfo<FsKind>& param_info) {
                           return param_info.param == FsKind::kMemory ? "Memory" : "Posix";
                         });

}  // namespace
}  // namespace cairn
