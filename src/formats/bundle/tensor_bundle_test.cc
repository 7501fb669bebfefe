// The names of a checkpoint's files, built and parsed in one place
// (tensor_bundle.h): every other layer relies on these round trips.
#include "cairn/formats/bundle/tensor_bundle.h"

#include <gtest/gtest.h>

#include "cairn/formats/bundle/checkpoint_state.h"

namespace cairn {
namespace {

TEST(TensorBundleNamesTest, FilesOfAPrefix) {
  EXPECT_EQ(bundle_index_path("m/model.ckpt-200"), "m/model.ckpt-200.index");
  EXPECT_EQ(bundle_data_path("m/model.ckpt-200", 1, 3), "m/model.ckpt-200.data-00001-of-00003");
  EXPECT_EQ(checkpoint_meta_path("m/model.ckpt-200"), "m/model.ckpt-200.meta");
  EXPECT_EQ(previous_bundle_prefix("m/cp.ckpt"), "m/cp.ckpt.previous");
  EXPECT_EQ(checkpoint_state_path("m"), "m/checkpoint");
  EXPECT_EQ(checkpoint_state_path("m/"), "m/checkpoint");
}

TEST(TensorBundleNamesTest, EveryFileOfAPrefixParsesBackToIt) {
  const std::string prefix = "dir.data-x/model.ckpt-7";  // ".data-" in a directory name too
  struct Case {
    std::string file;
    BundleFileKind kind;
  };
  for (const Case& c : {Case{bundle_index_path(prefix), BundleFileKind::kIndex},
                        Case{bundle_data_path(prefix, 0, 1), BundleFileKind::kData},
                        Case{bundle_data_path(prefix, 12, 99999), BundleFileKind::kData},
                        Case{checkpoint_meta_path(prefix), BundleFileKind::kMeta}}) {
    std::optional<BundleFileName> name = parse_bundle_file_name(c.file);
    ASSERT_TRUE(name) << c.file;
    EXPECT_EQ(name->prefix, prefix) << c.file;
    EXPECT_EQ(name->kind, c.kind) << c.file;
    EXPECT_TRUE(is_bundle_file(c.file));
  }
  const std::string previous_index = bundle_index_path(previous_bundle_prefix("cp.ckpt"));
  std::optional<BundleFileName> previous = parse_bundle_file_name(previous_index);
  ASSERT_TRUE(previous);
  EXPECT_EQ(previous->prefix, "cp.ckpt.previous");
  EXPECT_TRUE(is_previous_bundle_prefix(previous->prefix));
  EXPECT_FALSE(is_previous_bundle_prefix("cp.ckpt"));
  EXPECT_FALSE(is_previous_bundle_prefix(".previous"));
}

TEST(TensorBundleNamesTest, OtherFilesAreNoBundleFiles) {
  for (const char* name :
       {"checkpoint", "graph.pbtxt", "x.index.tempstate0123456789abcdef",
        "x.data-00000-of-00001.tempstate0123456789abcdef", "x.meta.tmp0123456789abcdef", ".index",
        "dir/.index", "x.index2", "x.data-0-of-1", "x.data-00000-of-0000a", "x.data-00000+of-00001",
        "x.data-00000-of-00001x", "x.h5", "x"}) {
    EXPECT_FALSE(is_bundle_file(name)) << name;
  }
  EXPECT_TRUE(is_bundle_file_suffix(".data-00000-of-00001"));
  EXPECT_FALSE(is_bundle_file_suffix(".previous"));
}

TEST(TensorBundleNamesTest, CheckpointPrefixesRoundTripTheirStep) {
  EXPECT_EQ(checkpoint_prefix("models/iris", kDefaultCheckpointName, 200),
            "models/iris/model.ckpt-200");
  EXPECT_EQ(checkpoint_prefix("backup/", "ckpt", 3), "backup/ckpt-3");
  EXPECT_EQ(checkpoint_prefix("", "ckpt", 3), "ckpt-3");
  for (int64_t step : {int64_t{0}, int64_t{1}, int64_t{999'999'999'999'999}}) {
    const std::string prefix = checkpoint_prefix("a-1/b", "my-model.ckpt", step);
    std::optional<CheckpointName> name = parse_checkpoint_prefix(prefix);
    ASSERT_TRUE(name) << prefix;
    EXPECT_EQ(name->name, "my-model.ckpt");
    EXPECT_EQ(name->step, step);
    EXPECT_EQ(checkpoint_step(prefix), step);
  }
}

TEST(TensorBundleNamesTest, PrefixesWithoutAStepHaveNone) {
  for (const char* prefix : {"cp.ckpt", "model.ckpt-", "model.ckpt-12a", "model.ckpt--",
                             "model.ckpt-1234567890123456",  // 16 digits
                             "a-1/model", "model.ckpt-200.previous", "model.ckpt-+1"}) {
    EXPECT_FALSE(checkpoint_step(prefix)) << prefix;
  }
}

}  // namespace
}  // namespace cairn
