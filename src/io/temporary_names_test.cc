#include "cairn/io/temporary_names.h"

#include <gtest/gtest.h>

#include <string>

namespace cairn {
namespace {

TEST(TemporaryNamesTest, TargetMarkerAnd16HexDigits) {
  const std::string a = temporary_path_for("dir/checkpoint");
  const std::string b = temporary_path_for("dir/checkpoint");
  EXPECT_NE(a, b);  // concurrent writers never share one
  EXPECT_EQ(a.size(), std::string("dir/checkpoint.tmp").size() + 16);
  EXPECT_TRUE(is_temporary_name(a.substr(4), kTemporaryMarker)) << a;
  EXPECT_FALSE(is_temporary_name(a.substr(4), ".tempstate")) << a;
  const std::string bundle = temporary_path_for("x.index", ".tempstate");
  EXPECT_TRUE(is_temporary_name(bundle, ".tempstate")) << bundle;

  EXPECT_FALSE(is_temporary_name(".tmp0123456789abcdef", kTemporaryMarker));  // no target
  EXPECT_FALSE(is_temporary_name("x.tmp0123456789abcde", kTemporaryMarker));  // 15 digits
  EXPECT_FALSE(is_temporary_name("x.tmp0123456789ABCDEF", kTemporaryMarker));
  EXPECT_FALSE(is_temporary_name("x.tmp", kTemporaryMarker));
}

}  // namespace
}  // namespace cairn
