// `cairn inspect --all` on a crafted checkpoint whose index gives a tensor
// 100000 dimensions (a 200 KB index): refused naming the tensor, where the
// recursive value printer once overflowed the stack.
#include <gtest/gtest.h>

#include <sstream>

#include "cairn/checkpoint/save_variables.h"
#include "cairn/formats/bundle/bundle_writer.h"
#include "cairn/io/file_system.h"
#include "cairn/io/table.h"
#include "cairn/proto/tensor_bundle.pb.h"
#include "cli/inspect.h"
#include "testing/test_util.h"

namespace cairn::cli {
namespace {

// Rewrites the .index of `prefix` with tensor `name` given `rank` dimensions of 1.
void give_rank(const std::string& prefix, const std::string& name, int rank) {
  FileSystem& fs = default_file_system();
  const std::string index = bundle_index_path(prefix);
  auto file = fs.new_random_access_file(index);
  ASSERT_TRUE(file.ok());
  auto entries = read_table(**file);
  ASSERT_TRUE(entries.ok()) << entries.status().to_string();
  for (auto& [key, value] : *entries) {
    if (key != name) continue;
    tensorflow::BundleEntryProto entry;
    ASSERT_TRUE(entry.ParseFromString(value));
    entry.mutable_shape()->clear_dim();
    for (int i = 0; i < rank; ++i) entry.mutable_shape()->add_dim()->set_size(1);
    value = entry.SerializeAsString();
  }
  auto out = fs.new_writable_file(index);
  ASSERT_TRUE(out.ok());
  TableWriter table(out->get(), TableOptions{});
  for (const auto& [key, value] : *entries) ASSERT_TRUE(table.add(key, value).ok());
  ASSERT_TRUE(table.finish().ok());
  ASSERT_TRUE((*out)->close().ok());
}

TEST(InspectUntrustedTest, AllOnATensorOfRank100000FailsNamingIt) {
  testing::TempDir dir;
  const std::string prefix = dir.path() + "/model.ckpt-1";
  save_variables(prefix, {{"deep", Tensor::scalar<float>(1)}});
  give_rank(prefix, "deep", 100000);
  std::ostringstream out, err;
  EXPECT_EQ(run_inspect({.path = prefix, .all = true}, out, err), 1);
  EXPECT_NE(err.str().find("'deep'"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("100000 dimensions"), std::string::npos) << err.str();
  EXPECT_LT(err.str().size(), 500u);
}

TEST(InspectUntrustedTest, AllOnATensorOfRank254PrintsItsNesting) {
  testing::TempDir dir;
  const std::string prefix = dir.path() + "/model.ckpt-1";
  save_variables(prefix, {{"deep", Tensor::scalar<float>(1)}});
  give_rank(prefix, "deep", kMaxRank);
  std::ostringstream out, err;
  ASSERT_EQ(run_inspect({.path = prefix, .all = true}, out, err), 0) << err.str();
  EXPECT_NE(out.str().find(std::string(kMaxRank, '[') + "1" + std::string(kMaxRank, ']')),
            std::string::npos);
}

}  // namespace
}  // namespace cairn::cli
