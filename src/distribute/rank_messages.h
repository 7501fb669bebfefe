// The messages of one collective (rank_exchange.h), as bytes:
//   arrival, rank r -> 0:  [u32 length of label][label][payload]
//     where the label is the collective's kind and `what`: "barrier\0save"
//   answer,  0 -> rank r:  [body][trailer byte]
// The trailer is a StatusCode (0: the body is the result; otherwise the body
// is the error message), plus kBreaks when the ranks are out of step. It is
// the last byte so that the result is the received buffer minus one byte,
// without copying megabytes of sums.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace cairn::distribute::internal {

inline constexpr unsigned char kBreaks = 0x80;

// A collective's kind and `what`, which every rank must agree on.
std::string label_of(std::string_view kind, const std::string& what);

// Writes the arrival of `payload` at the collective `label` into `message`
// (reusing its capacity).
void write_arrival(const std::string& label, std::string_view payload, std::string& message);

// The label and payload of an arrival (views into `message`).
std::pair<std::string_view, std::string_view> parse_arrival(std::string_view message);

// Rank 0's words for `rank` being at another collective: "rank 2 is at
// \"restore\" while rank 0 is at \"save\"", with the kinds when only they
// differ: "rank 1 is at \"x\" (all_gather) while rank 0 is at \"x\" (barrier)".
std::string describe_mismatch(int rank, std::string_view theirs, std::string_view ours);

}  // namespace cairn::distribute::internal
