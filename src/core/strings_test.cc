#include "cairn/core/strings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cairn {
namespace {

using ::testing::ElementsAre;

TEST(StringsTest, JoinPutsTheSeparatorBetweenItemsOnly) {
  EXPECT_EQ(join(std::vector<std::string>{"serve", "gpu"}, ", "), "serve, gpu");
  EXPECT_EQ(join(std::vector<std::string>{"one"}, ", "), "one");
  EXPECT_EQ(join(std::vector<std::string>{}, ", "), "");
  EXPECT_EQ(join(std::vector<std::string>{"", ""}, "/"), "/");
  EXPECT_EQ(join(std::vector<std::string_view>{"a", "b", "c"}, "/"), "a/b/c");
  EXPECT_EQ(join(std::vector<int64_t>{2, -1, 30}, ","), "2,-1,30");
  EXPECT_EQ(join(std::vector<int64_t>{}, ","), "");
}

TEST(StringsTest, SplitKeepsEmptyPartsAndInvertsJoin) {
  EXPECT_THAT(split("dense/kernel/", '/'), ElementsAre("dense", "kernel", ""));
  EXPECT_THAT(split("", ','), ElementsAre(""));
  EXPECT_THAT(split(",", ','), ElementsAre("", ""));
  EXPECT_THAT(split("abc", ','), ElementsAre("abc"));
  const std::string text = "a,,b,c";
  EXPECT_EQ(join(split(text, ','), ","), text);
}

TEST(StringsTest, TrimRemovesOnlyTheEnds) {
  EXPECT_EQ(trim("  serve \r\n"), "serve");
  EXPECT_EQ(trim("a b"), "a b");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("xxaxx", "x"), "a");
}

TEST(StringsTest, LowerChangesAsciiLettersOnly) {
  EXPECT_EQ(lower("RMSprop"), "rmsprop");
  EXPECT_EQ(lower("GradientDescent_2"), "gradientdescent_2");
  EXPECT_EQ(lower("\xC3\x84"), "\xC3\x84");  // UTF-8 bytes untouched
}

TEST(StringsTest, GroupThousandsAsPythonsCommaSpec) {
  EXPECT_EQ(group_thousands("1234567"), "1,234,567");
  EXPECT_EQ(group_thousands("407050"), "407,050");
  EXPECT_EQ(group_thousands("999"), "999");
  EXPECT_EQ(group_thousands("1000.125"), "1,000.125");
  EXPECT_EQ(group_thousands("-1234"), "-1,234");
  EXPECT_EQ(group_thousands("12345.6%"), "12,345.6%");
  EXPECT_EQ(group_thousands("0"), "0");
  EXPECT_EQ(group_thousands(""), "");
}

}  // namespace
}  // namespace cairn
