// Verified restores: every checksum checked, damaged checkpoints (flipped
// bit, truncation, missing file, corrupt state file) named, the newest
// intact one chosen, temporaries never taken for checkpoints.
#include "cairn/checkpoint/verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/core/errors.h"
#include "cairn/formats/bundle/tensor_bundle.h"
#include "cairn/io/table.h"
#include "cairn/proto/tensor_bundle.pb.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int step : {100, 200, 300}) {
      Tensor w(DType::kFloat32, {64});
      for (int i = 0; i < 64; ++i)
        w.flat<float>()[static_cast<size_t>(i)] = static_cast<float>(step + i);
      save_variables(prefix(step),
                     {{"dense/kernel", w}, {"global_step", Tensor::scalar<int64_t>(step)}});
    }
  }
  std::string prefix(int step) const { return dir_.path() + "/model.ckpt-" + std::to_string(step); }
  std::string data(int step) const { return prefix(step) + ".data-00000-of-00001"; }
  void flip_byte(const std::string& path, std::streamoff at) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(at);
    char c = 0;
    f.get(c);
    f.seekp(at);
    f.put(static_cast<char>(c ^ 0x10));
  }
  testing::TempDir dir_;
};

TEST_F(VerifyTest, AllIntactNewestFirst) {
  std::vector<CheckpointHealth> all = verify_directory(dir_.path());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].prefix, prefix(300));
  EXPECT_EQ(all[2].prefix, prefix(100));
  for (const CheckpointHealth& h : all) {
    EXPECT_TRUE(h.ok) << h.problem;
    EXPECT_EQ(h.tensors, 2);
    EXPECT_GT(h.bytes, 256u);
  }
}

TEST_F(VerifyTest, DamagedNewestIsNamedAndSkipped) {
  flip_byte(data(300), 20);  // inside dense/kernel's bytes
  CheckpointHealth h = verify_checkpoint(prefix(300));
  EXPECT_FALSE(h.ok);
  EXPECT_THAT(h.problem, HasSubstr("dense/kernel"));
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(dir_.path());
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->prefix, prefix(200));
  ASSERT_EQ(choice->skipped.size(), 1u);
  EXPECT_THAT(choice->skipped[0], HasSubstr("model.ckpt-300 is damaged"));
  EXPECT_THROW(newest_intact_checkpoint(dir_.path(), {.fail_on_damaged = true}), DataLossError);
}

TEST_F(VerifyTest, TruncatedAndMissingFilesAreDamage) {
  std::filesystem::resize_file(data(300), 100);
  std::filesystem::remove(data(200));
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(dir_.path());
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->prefix, prefix(100));
  EXPECT_EQ(choice->skipped.size(), 2u);
}

// Retention deletes the .index first: an older listed checkpoint without it
// is being deleted, an orphan, never a candidate and never damage.
TEST_F(VerifyTest, HalfDeletedOlderCheckpointIsAnOrphanNotDamage) {
  std::filesystem::remove(prefix(200) + ".index");
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(dir_.path());
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->prefix, prefix(300));
  std::vector<CheckpointHealth> all = verify_directory(dir_.path());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(all[0].ok && all[1].ok) << all[0].problem << all[1].problem;
  EXPECT_EQ(all[2].prefix, prefix(200));
  EXPECT_TRUE(all[2].orphan);
  EXPECT_THAT(all[2].problem, HasSubstr("no .index"));
}

// A kill between the renames of an overwrite (Keras's "cp.ckpt" saved every
// epoch) leaves new data under the old index; "<prefix>.previous" is intact
// and restores use it: verify calls it an orphan, not damage.
TEST_F(VerifyTest, OverwriteCutShortWithAnIntactPreviousCopyIsNotDamage) {
  for (const char* suffix : {".index", ".data-00000-of-00001"}) {
    std::filesystem::copy_file(prefix(300) + suffix, prefix(300) + ".previous" + suffix);
  }
  flip_byte(data(300), 20);
  std::vector<CheckpointHealth> all = verify_directory(dir_.path());
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all[0].prefix, prefix(300));
  EXPECT_TRUE(all[0].orphan);
  EXPECT_THAT(all[0].problem, HasSubstr(".previous holds its last complete copy"));
  for (const CheckpointHealth& h : all) EXPECT_TRUE(h.ok || h.orphan) << h.prefix << h.problem;
}

TEST_F(VerifyTest, RestoreChoiceReadsTheCheckpointAfterItsFilesAreDeleted) {
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(dir_.path());
  ASSERT_TRUE(choice && choice->reader);
  for (const char* suffix : {".index", ".data-00000-of-00001"}) {
    std::filesystem::remove(prefix(300) + suffix);
  }
  EXPECT_EQ(choice->reader->get_tensor("global_step").flat<int64_t>()[0], 300);
  EXPECT_EQ(choice->reader->get_tensor("dense/kernel").flat<float>()[63], 363.0f);
}

TEST_F(VerifyTest, EveryCheckpointDamagedIsDataLossNamingEach) {
  for (int step : {100, 200, 300}) std::filesystem::remove(data(step));
  try {
    newest_intact_checkpoint(dir_.path());
    FAIL();
  } catch (const DataLossError& e) {
    for (int step : {100, 200, 300})
      EXPECT_THAT(e.what(), HasSubstr("model.ckpt-" + std::to_string(step)));
  }
}

TEST_F(VerifyTest, CorruptStateFileStillFindsTheBundles) {
  std::ofstream(dir_.path() + "/checkpoint") << "model_checkpoint_path: \"unterminated";
  std::optional<RestoreChoice> choice = newest_intact_checkpoint(dir_.path());
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->prefix, prefix(300));
}

TEST_F(VerifyTest, TemporariesAreNeverCandidates) {
  std::ofstream(prefix(400) + ".index.tempstate0123456789abcdef") << "partial";
  std::ofstream(dir_.path() + "/.checkpoint.tmp") << "partial";
  for (const std::string& p : checkpoint_candidates(dir_.path())) {
    EXPECT_THAT(p, ::testing::Not(HasSubstr("400"))) << p;
  }
  EXPECT_EQ(checkpoint_candidates(dir_.path()).size(), 3u);
}

// Issue 19, finding 16: a complex64 tensor (then "invalid") was never
// checksummed.
TEST(VerifyDtypesTest, Complex64TensorWithAWrongCrcIsDamaged) {
  testing::TempDir dir;
  const std::string prefix = dir.path() + "/model.ckpt-1";
  Tensor z(DType::kComplex64, {16});
  for (int i = 0; i < 32; ++i) reinterpret_cast<float*>(z.data())[i] = static_cast<float>(i);
  save_variables(prefix, {{"z", z}});
  CheckpointHealth intact = verify_checkpoint(prefix);
  EXPECT_TRUE(intact.ok) << intact.problem;
  {
    std::fstream f(prefix + ".data-00000-of-00001",
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(5);
    f.put('\x7f');
  }
  CheckpointHealth h = verify_checkpoint(prefix);
  EXPECT_FALSE(h.ok);
  EXPECT_THAT(h.problem, HasSubstr("checksum mismatch"));
  EXPECT_THAT(h.problem, HasSubstr("'z'"));
}

// An index with one partitioned variable and no data file at all.
void write_sliced_index(const std::string& prefix) {
  FileSystem& fs = default_file_system();
  auto file = value_or_throw(fs.new_writable_file(bundle_index_path(prefix)));
  TableWriter table(file.get(), TableOptions{});
  tensorflow::BundleHeaderProto header;
  header.set_num_shards(1);
  header.mutable_version()->set_producer(kBundleVersion);
  tensorflow::BundleEntryProto entry;
  entry.set_dtype(tensorflow::DT_FLOAT);
  entry.mutable_shape()->add_dim()->set_size(4);
  entry.add_slices()->add_extent()->set_length(2);
  ASSERT_TRUE(table.add("", header.SerializeAsString()).ok());
  ASSERT_TRUE(table.add("part/var", entry.SerializeAsString()).ok());
  ASSERT_TRUE(table.finish().ok());
  ASSERT_TRUE(file->close().ok());
}

TEST(VerifyDtypesTest, SlicedTensorWithoutItsDataFileIsDamaged) {
  testing::TempDir dir;
  const std::string prefix = dir.path() + "/model.ckpt-1";
  write_sliced_index(prefix);
  CheckpointHealth h = verify_checkpoint(prefix);
  EXPECT_FALSE(h.ok);
  EXPECT_THAT(h.problem, HasSubstr("model.ckpt-1.data-00000-of-00001 is missing"));
}

// What lies on disk is reported for a damaged checkpoint too (`cairn ls`
// shows it): a lost shard leaves fewer shards and fewer bytes.
TEST(VerifyFilesTest, BytesAndShardsAreTheFilesOnDiskWhateverTheStatus) {
  testing::TempDir dir;
  const std::string prefix = dir.path() + "/model.ckpt-1";
  save_variables(prefix,
                 {{"a", Tensor::from_vector<float>({1, 2}, {2})},
                  {"b", Tensor::scalar<int64_t>(3)},
                  {"c", Tensor::from_strings({"x"}, {1})}},
                 {.num_shards = 3});
  auto on_disk = [&] {
    uint64_t total = 0;
    for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
      if (f.path().filename().string().starts_with("model.ckpt-1.")) total += f.file_size();
    }
    return total;
  };
  CheckpointHealth intact = verify_checkpoint(prefix);
  EXPECT_TRUE(intact.ok) << intact.problem;
  EXPECT_EQ(intact.shards, 3);
  EXPECT_EQ(intact.bytes, on_disk());
  std::filesystem::remove(prefix + ".data-00001-of-00003");
  CheckpointHealth damaged = verify_checkpoint(prefix);
  EXPECT_FALSE(damaged.ok);
  EXPECT_EQ(damaged.shards, 2);
  EXPECT_EQ(damaged.bytes, on_disk());
}

TEST(VerifyEmptyTest, NoCheckpointIsNullopt) {
  testing::TempDir dir;
  EXPECT_FALSE(newest_intact_checkpoint(dir.path()).has_value());
  EXPECT_TRUE(verify_directory(dir.path()).empty());
}

// What a progress display hears of a verify.
struct RecordedProgress : Progress {
  void update(int64_t done, int64_t total, ProgressUnit unit) override {
    EXPECT_EQ(unit, ProgressUnit::kBytes);
    if (!reports.empty()) {
      EXPECT_GE(done, reports.back().first) << "done went back";
      EXPECT_EQ(total, reports.back().second) << "the total changed";
    }
    reports.emplace_back(done, total);
  }
  std::vector<std::pair<int64_t, int64_t>> reports;  // (done, total)
};

// The bytes of the .index and data files in `dir`, as `ls -l` adds them up.
int64_t bundle_bytes_on_disk(const std::string& dir) {
  int64_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::optional<BundleFileName> file =
        parse_bundle_file_name(entry.path().filename().string());
    if (file && file->kind != BundleFileKind::kMeta) {
      total += static_cast<int64_t>(entry.file_size());
    }
  }
  return total;
}

TEST_F(VerifyTest, ProgressCountsEveryByteOfTheDirectoryTensorByTensor) {
  RecordedProgress progress;
  std::vector<CheckpointHealth> all =
      verify_directory(dir_.path(), default_file_system(), &progress);
  const int64_t on_disk = bundle_bytes_on_disk(dir_.path());
  ASSERT_FALSE(progress.reports.empty());
  EXPECT_EQ(progress.reports.back(), std::make_pair(on_disk, on_disk));
  EXPECT_GE(progress.reports.size(), 3u * 3u);  // each tensor, then each checkpoint
  int64_t reported = 0;
  for (const CheckpointHealth& h : all) reported += static_cast<int64_t>(h.bytes);
  EXPECT_EQ(reported, on_disk);
}

TEST_F(VerifyTest, ProgressOfADamagedCheckpointStillEndsAtTheTotal) {
  std::filesystem::resize_file(data(200), 40);
  RecordedProgress progress;
  std::vector<CheckpointHealth> all =
      verify_directory(dir_.path(), default_file_system(), &progress);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_FALSE(all[1].ok);
  const int64_t on_disk = bundle_bytes_on_disk(dir_.path());
  EXPECT_EQ(progress.reports.back(), std::make_pair(on_disk, on_disk));
}

TEST_F(VerifyTest, ProgressOfOneCheckpointIsItsFiles) {
  RecordedProgress progress;
  CheckpointHealth health = verify_checkpoint(prefix(100), default_file_system(), &progress);
  ASSERT_TRUE(health.ok) << health.problem;
  const auto bytes = static_cast<int64_t>(health.bytes);
  EXPECT_EQ(progress.reports.back(), std::make_pair(bytes, bytes));
}

}  // namespace
}  // namespace cairn
