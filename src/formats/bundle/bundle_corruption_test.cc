// Corrupt, truncated, missing and foreign checkpoint files never crash the
// reader: each gives the TensorFlow error code a user can act on, and a
// message naming the file and the tensor. Files are corrupted in memory
// (MemoryFileSystem::mutable_contents), so every byte position is tried.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <map>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/io/coding.h"
#include "cairn/io/crc32c.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/io/table.h"
#include "cairn/proto/tensor_bundle.pb.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using TableEntries = std::vector<std::pair<std::string, std::string>>;

using testing::contains;

class BundleCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Tensor kernel(DType::kFloat32, {4, 5});
    for (int i = 0; i < 20; ++i) kernel.flat<float>()[static_cast<size_t>(i)] = 0.25f * i - 2;
    tensors_["dense/kernel"] = kernel;
    tensors_["dense/bias"] = Tensor::from_vector<double>({0.5, -1.5, 3.0}, {3});
    tensors_["global_step"] = Tensor::scalar<int64_t>(200);
    tensors_["vocab"] = Tensor::from_strings({"", "setosa", std::string(200, 'v')}, {3});
    ASSERT_TRUE(fs_.create_directories("/ckpt").ok());
    auto writer = BundleWriter::create(fs_, prefix_);
    ASSERT_TRUE(writer.ok());
    for (const auto& [name, tensor] : tensors_) ASSERT_TRUE((*writer)->add(name, tensor).ok());
    ASSERT_TRUE((*writer)->finish().ok());
    index_ = *fs_.mutable_contents(index_path_);
    data_ = *fs_.mutable_contents(data_path_);
  }

  // Opens the bundle as it now is; if that works, reads every tensor and
  // checks that each read either fails or returns the original values.
  // Returns the status of open().
  Status open_and_read_all() {
    auto reader = BundleReader::open(fs_, prefix_);
    if (!reader.ok()) return reader.status();
    for (const BundleEntry& e : (*reader)->entries()) {
      auto got = (*reader)->read(e.name);
      if (!got.ok()) continue;
      auto want = tensors_.find(e.name);
      EXPECT_NE(want, tensors_.end()) << "read a tensor that was never written: " << e.name;
      if (want != tensors_.end()) {
        EXPECT_TRUE(*got == want->second) << e.name;
      }
    }
    (void)(*reader)->verify_all();
    return ok_status();
  }

  // Puts the pristine files back.
  void restore() {
    *fs_.mutable_contents(index_path_) = index_;
    *fs_.mutable_contents(data_path_) = data_;
  }

  Status open_status() {
    auto reader = BundleReader::open(fs_, prefix_);
    return reader.ok() ? ok_status() : reader.status();
  }

  Status read_status(const std::string& name) {
    auto reader = BundleReader::open(fs_, prefix_);
    if (!reader.ok()) return reader.status();
    auto got = (*reader)->read(name);
    return got.ok() ? ok_status() : got.status();
  }

  TableEntries index_entries() {
    auto file = fs_.new_random_access_file(index_path_);
    EXPECT_TRUE(file.ok());
    auto table = read_table(**file);
    EXPECT_TRUE(table.ok()) << table.status().to_string();
    return *table;
  }

  void write_index(const TableEntries& entries) {
    auto file = fs_.new_writable_file(index_path_);
    ASSERT_TRUE(file.ok());
    TableWriter table(file->get(), TableOptions{});
    for (const auto& [key, value] : entries) ASSERT_TRUE(table.add(key, value).ok());
    ASSERT_TRUE(table.finish().ok());
    ASSERT_TRUE((*file)->close().ok());
  }

  // Rewrites the index with a valid table whose header was changed by `edit`.
  void edit_header(const std::function<void(tensorflow::BundleHeaderProto&)>& edit) {
    TableEntries entries = index_entries();
    tensorflow::BundleHeaderProto header;
    ASSERT_TRUE(header.ParseFromString(entries.at(0).second));
    edit(header);
    entries[0].second = header.SerializeAsString();
    write_index(entries);
  }

  // Rewrites the index with a valid table whose entry `name` was changed by `edit`.
  void edit_entry(const std::string& name,
                  const std::function<void(tensorflow::BundleEntryProto&)>& edit) {
    TableEntries entries = index_entries();
    for (auto& [key, value] : entries) {
      if (key != name) continue;
      tensorflow::BundleEntryProto entry;
      ASSERT_TRUE(entry.ParseFromString(value));
      edit(entry);
      value = entry.SerializeAsString();
      write_index(entries);
      return;
    }
    FAIL() << "no entry " << name;
  }

  MemoryFileSystem fs_;
  std::map<std::string, Tensor> tensors_;
  std::string prefix_ = "/ckpt/model.ckpt-200";
  std::string index_path_ = bundle_index_path(prefix_);
  std::string data_path_ = bundle_data_path(prefix_, 0, 1);
  std::string index_;  // pristine bytes
  std::string data_;
};

TEST_F(BundleCorruptionTest, FlippedDataByteIsDataLossNamingTheTensorAndDataFile) {
  auto reader = BundleReader::open(fs_, prefix_);
  ASSERT_TRUE(reader.ok());
  std::vector<BundleEntry> entries = (*reader)->entries();
  for (size_t pos = 0; pos < data_.size(); ++pos) {
    *fs_.mutable_contents(data_path_) = data_;
    (*fs_.mutable_contents(data_path_))[pos] ^= 0x5a;
    auto corrupt = BundleReader::open(fs_, prefix_);
    ASSERT_TRUE(corrupt.ok()) << "the index is intact";
    for (const BundleEntry& e : entries) {
      auto got = (*corrupt)->read(e.name);
      if (pos >= e.offset && pos < e.offset + e.size) {
        ASSERT_FALSE(got.ok()) << "flip at " << pos << " in " << e.name;
        EXPECT_EQ(got.status().code(), StatusCode::kDataLoss) << got.status().to_string();
        EXPECT_TRUE(contains(got.status().message(), "'" + e.name + "'")) << got.status().message();
        EXPECT_TRUE(contains(got.status().message(), data_path_)) << got.status().message();
      } else {
        ASSERT_TRUE(got.ok()) << "flip at " << pos << " broke " << e.name;
        EXPECT_TRUE(*got == tensors_.at(e.name));
      }
    }
  }
}

TEST_F(BundleCorruptionTest, FlippingAnyIndexByteNeverCrashesNorReturnsWrongValues) {
  // Block checksums cover everything but the footer padding and the unused
  // metaindex block, so a flip either fails or leaves the values intact.
  for (size_t pos = 0; pos < index_.size(); ++pos) {
    for (unsigned char pattern : {0x01, 0x80, 0xff}) {
      *fs_.mutable_contents(index_path_) = index_;
      (*fs_.mutable_contents(index_path_))[pos] ^= static_cast<char>(pattern);
      Status s = open_and_read_all();
      if (!s.ok()) {
        EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
      }
      if (HasFailure()) FAIL() << "flip of byte " << pos << " with " << int{pattern};
    }
  }
}

TEST_F(BundleCorruptionTest, IndexTruncatedToAnyLengthIsDataLoss) {
  for (size_t length = 0; length < index_.size(); ++length) {
    *fs_.mutable_contents(index_path_) = index_.substr(0, length);
    Status s = open_and_read_all();
    ASSERT_EQ(s.code(), StatusCode::kDataLoss) << "length " << length << ": " << s.to_string();
    EXPECT_TRUE(contains(s.message(), index_path_)) << s.message();
  }
}

TEST_F(BundleCorruptionTest, DataFileTruncatedToAnyLengthIsDataLossForTensorsPastTheEnd) {
  auto reader = BundleReader::open(fs_, prefix_);
  ASSERT_TRUE(reader.ok());
  std::vector<BundleEntry> entries = (*reader)->entries();
  for (size_t length = 0; length < data_.size(); ++length) {
    *fs_.mutable_contents(data_path_) = data_.substr(0, length);
    for (const BundleEntry& e : entries) {
      Status s = read_status(e.name);
      if (e.offset + e.size <= length) {
        EXPECT_TRUE(s.ok()) << s.to_string();
        continue;
      }
      ASSERT_EQ(s.code(), StatusCode::kDataLoss) << "length " << length << ": " << s.to_string();
      EXPECT_TRUE(contains(s.message(), data_path_)) << s.message();
      EXPECT_TRUE(contains(s.message(), "'" + e.name + "'")) << s.message();
    }
  }
}

TEST_F(BundleCorruptionTest, BadMagicIsDataLossThatSaysMagic) {
  (*fs_.mutable_contents(index_path_))[index_.size() - 1] ^= 0x10;
  Status s = open_status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
  EXPECT_TRUE(contains(s.message(), "magic")) << s.message();
  EXPECT_TRUE(contains(s.message(), index_path_)) << s.message();
}

TEST_F(BundleCorruptionTest, ForeignFileAsIndexIsDataLoss) {
  *fs_.mutable_contents(index_path_) = std::string(4096, 'x');
  EXPECT_EQ(open_status().code(), StatusCode::kDataLoss);
  *fs_.mutable_contents(index_path_) = "";
  EXPECT_EQ(open_status().code(), StatusCode::kDataLoss);
}

TEST_F(BundleCorruptionTest, MissingDataFileIsNotFoundNamingTheFile) {
  ASSERT_TRUE(fs_.remove_file(data_path_).ok());
  ASSERT_TRUE(open_status().ok()) << "open() reads only the index";
  Status s = read_status("dense/kernel");
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.to_string();
  EXPECT_TRUE(contains(s.message(), data_path_)) << s.message();
  EXPECT_TRUE(contains(s.message(), "dense/kernel")) << s.message();
}

TEST_F(BundleCorruptionTest, MissingIndexIsNotFoundNamingTheIndex) {
  ASSERT_TRUE(fs_.remove_file(index_path_).ok());
  Status s = open_status();
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.to_string();
  EXPECT_TRUE(contains(s.message(), index_path_)) << s.message();
}

TEST_F(BundleCorruptionTest, V1CheckpointIsUnimplementedAndSaysV1) {
  for (std::string v1_file : {"/ckpt/v1/model.ckpt", "/ckpt/v1/model.ckpt-00000-of-00001"}) {
    MemoryFileSystem v1_fs;
    auto file = v1_fs.new_writable_file(v1_file);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->append(std::string(300, '\x07')).ok());
    ASSERT_TRUE((*file)->close().ok());
    auto reader = BundleReader::open(v1_fs, "/ckpt/v1/model.ckpt");
    ASSERT_FALSE(reader.ok()) << v1_file;
    EXPECT_EQ(reader.status().code(), StatusCode::kUnimplemented) << reader.status().to_string();
    EXPECT_TRUE(contains(reader.status().message(), "V1")) << reader.status().message();
  }
}

TEST_F(BundleCorruptionTest, HeaderWithMoreShardsLooksForThoseDataFiles) {
  edit_header([](tensorflow::BundleHeaderProto& h) { h.set_num_shards(3); });
  Status s = read_status("global_step");
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.to_string();
  EXPECT_TRUE(contains(s.message(), bundle_data_path(prefix_, 0, 3))) << s.message();
}

TEST_F(BundleCorruptionTest, HeaderWithImpossibleShardCountIsDataLoss) {
  for (int shards : {0, -1, kMaxBundleShards + 1, 1 << 30}) {
    restore();
    edit_header([shards](tensorflow::BundleHeaderProto& h) { h.set_num_shards(shards); });
    Status s = open_status();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << shards << ": " << s.to_string();
    EXPECT_TRUE(contains(s.message(), index_path_)) << s.message();
  }
}

TEST_F(BundleCorruptionTest, BigEndianHeaderIsUnimplemented) {
  edit_header([](tensorflow::BundleHeaderProto& h) {
    h.set_endianness(tensorflow::BundleHeaderProto::BIG);
  });
  EXPECT_EQ(open_status().code(), StatusCode::kUnimplemented);
}

TEST_F(BundleCorruptionTest, IndexWithoutHeaderIsDataLoss) {
  TableEntries entries = index_entries();
  entries.erase(entries.begin());
  write_index(entries);
  EXPECT_EQ(open_status().code(), StatusCode::kDataLoss);
}

// A table whose keys are out of order, with every checksum valid: the index
// is corrupt even though LevelDB's iterator does not notice, and find()
// (a binary search) would miss tensors that entries() lists.
TEST_F(BundleCorruptionTest, IndexWithKeysOutOfOrderIsDataLoss) {
  std::string& index = *fs_.mutable_contents(index_path_);
  // The data block starts at 0; find its end by the trailer whose crc matches.
  size_t block_size = 0;
  while (block_size + 5 <= index.size() &&
         decode_fixed32(index.data() + block_size + 1) !=
             crc32c::mask(crc32c::value(index.data(), block_size + 1))) {
    ++block_size;
  }
  ASSERT_LT(block_size + 5, index.size());
  size_t at = std::string_view(index.data(), block_size).find("vocab");
  ASSERT_NE(at, std::string::npos);
  index.replace(at, 5, "aaaaa");  // now sorts before "dense/bias", yet comes last
  uint32_t crc = crc32c::mask(crc32c::value(index.data(), block_size + 1));
  std::memcpy(index.data() + block_size + 1, &crc, 4);

  auto reader = BundleReader::open(fs_, prefix_);
  if (reader.ok()) {
    std::vector<std::string> names;
    for (const BundleEntry& e : (*reader)->entries()) names.push_back(e.name);
    ADD_FAILURE() << "open() accepted unsorted keys; listed: " << ::testing::PrintToString(names)
                  << ", find(\"aaaaa\") gives "
                  << ((*reader)->find("aaaaa") ? "the entry" : "nullptr");
    return;
  }
  EXPECT_EQ(reader.status().code(), StatusCode::kDataLoss) << reader.status().to_string();
  EXPECT_TRUE(contains(reader.status().message(), index_path_)) << reader.status().message();
}

TEST_F(BundleCorruptionTest, EntrySizeDisagreeingWithShapeIsDataLossAtOpen) {
  edit_entry("dense/kernel", [](tensorflow::BundleEntryProto& e) { e.set_size(16); });
  Status s = open_status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
  EXPECT_TRUE(contains(s.message(), "dense/kernel")) << s.message();
}

TEST_F(BundleCorruptionTest, EntryWithNegativeOrOverflowingShapeIsDataLoss) {
  edit_entry("dense/kernel", [](tensorflow::BundleEntryProto& e) {
    e.mutable_shape()->mutable_dim(0)->set_size(-4);
  });
  EXPECT_EQ(open_status().code(), StatusCode::kDataLoss);
  restore();
  edit_entry("vocab", [](tensorflow::BundleEntryProto& e) {
    e.mutable_shape()->mutable_dim(0)->set_size(int64_t{1} << 40);
    e.mutable_shape()->add_dim()->set_size(int64_t{1} << 40);
  });
  EXPECT_EQ(open_status().code(), StatusCode::kDataLoss);
}

// Finding 4: `inspect --all` on a rank-100000 tensor overflowed the stack.
TEST_F(BundleCorruptionTest, EntryOfRankOverTensorFlowsLimitIsDataLossNamingTheTensor) {
  edit_entry("dense/kernel", [](tensorflow::BundleEntryProto& e) {
    e.mutable_shape()->clear_dim();
    for (int i = 0; i < 100000; ++i) e.mutable_shape()->add_dim()->set_size(1);
    e.set_size(4);
  });
  Status s = open_status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
  EXPECT_TRUE(contains(s.message(), "dense/kernel")) << s.message();
  EXPECT_TRUE(contains(s.message(), "100000 dimensions")) << s.message();
}

TEST_F(BundleCorruptionTest, EntryClaimingPetabytesFailsWithoutAllocatingThem) {
  edit_entry("global_step", [](tensorflow::BundleEntryProto& e) {
    e.mutable_shape()->add_dim()->set_size(int64_t{1} << 47);
    e.set_size(int64_t{1} << 50);
  });
  Status s = read_status("global_step");
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
  EXPECT_TRUE(contains(s.message(), data_path_)) << s.message();
  restore();
  edit_entry("vocab", [](tensorflow::BundleEntryProto& e) {
    e.mutable_shape()->mutable_dim(0)->set_size(int64_t{1} << 50);
  });
  s = read_status("vocab");
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
  EXPECT_TRUE(contains(s.message(), "vocab")) << s.message();
}

TEST_F(BundleCorruptionTest, EntryInAShardTheHeaderDoesNotDeclareIsDataLoss) {
  edit_entry("dense/bias", [](tensorflow::BundleEntryProto& e) { e.set_shard_id(1); });
  Status s = open_status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
  EXPECT_TRUE(contains(s.message(), "dense/bias")) << s.message();
}

TEST_F(BundleCorruptionTest, EntryWithWrongChecksumIsDataLoss) {
  edit_entry("dense/bias", [](tensorflow::BundleEntryProto& e) { e.set_crc32c(e.crc32c() + 1); });
  Status s = read_status("dense/bias");
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
  EXPECT_TRUE(contains(s.message(), "dense/bias")) << s.message();
  EXPECT_TRUE(contains(s.message(), data_path_)) << s.message();
}

TEST_F(BundleCorruptionTest, EntryWithUnknownDtypeIsListedButNotDecoded) {
  edit_entry("dense/bias", [](tensorflow::BundleEntryProto& e) {
    e.set_dtype(static_cast<tensorflow::DataType>(99));
  });
  auto reader = BundleReader::open(fs_, prefix_);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  const BundleEntry* e = (*reader)->find("dense/bias");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->dtype, DType::kInvalid);
  EXPECT_EQ(e->raw_dtype, 99);
  auto got = (*reader)->read("dense/bias");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnimplemented) << got.status().to_string();
  EXPECT_TRUE((*reader)->verify_all().ok());
}

}  // namespace
}  // namespace cairn
