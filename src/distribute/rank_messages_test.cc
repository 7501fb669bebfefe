// The bytes of the collectives' messages, without MPI.
#include "distribute/rank_messages.h"

#include <gtest/gtest.h>

namespace cairn::distribute::internal {
namespace {

TEST(RankMessagesTest, AnArrivalCarriesItsLabelAndPayloadZerosIncluded) {
  const std::string label = label_of("broadcast from 1", "restore at step 9");
  const std::string payload("a\0b\0", 4);
  std::string message = "a previous, longer message's bytes";
  write_arrival(label, payload, message);
  const auto [read_label, read_payload] = parse_arrival(message);
  EXPECT_EQ(read_label, label);
  EXPECT_EQ(read_payload, payload);
}

TEST(RankMessagesTest, TruncatedArrivalsParseWithoutReadingPastTheirEnd) {
  EXPECT_EQ(parse_arrival("ab").first, "?");
  std::string message;
  write_arrival(label_of("barrier", "save"), "", message);
  message.resize(6);  // the length says 12 bytes of label follow
  const auto [label, payload] = parse_arrival(message);
  EXPECT_EQ(label, std::string_view("ba"));
  EXPECT_TRUE(payload.empty());
}

TEST(RankMessagesTest, AMismatchNamesBothCollectives) {
  EXPECT_EQ(describe_mismatch(2, label_of("barrier", "restore"), label_of("barrier", "save")),
            "rank 2 is at \"restore\" while rank 0 is at \"save\"");
  EXPECT_EQ(describe_mismatch(1, label_of("all_gather", "x"), label_of("barrier", "x")),
            "rank 1 is at \"x\" (all_gather) while rank 0 is at \"x\" (barrier)");
}

}  // namespace
}  // namespace cairn::distribute::internal
