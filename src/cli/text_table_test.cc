// TextTable: columns padded to their widest cell, right-aligned where asked,
// the last cell of a line never padded.
#include "cli/text_table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cairn::cli {
namespace {

TEST(TextTableTest, ColumnsAlignOnTheirWidestCell) {
  TextTable table({.right_aligned = {false, true}, .indent = "> "});
  table.add({"name", "bytes", "note"});
  table.add({"dnn/logits/kernel", "120", "ok"});
  table.add({"b", "7"});  // a shorter line
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(),
            "> name               bytes  note\n"
            "> dnn/logits/kernel    120  ok\n"
            "> b                      7\n");
}

TEST(TextTableTest, EmptyTablePrintsNothing) {
  TextTable table({});
  EXPECT_TRUE(table.empty());
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace cairn::cli
