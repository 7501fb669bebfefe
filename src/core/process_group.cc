// The group of one process, and the helpers every group shares: agreeing
// on the outcome of a step, naming ranks, slicing rows between ranks.
#include "cairn/core/process_group.h"

#include <algorithm>

#include "cairn/core/errors.h"

namespace cairn {
namespace {

// Rank 0 of 1: every collective is already complete.
class SingleProcess final : public ProcessGroup {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  double timeout_seconds() const override { return 0; }
  void barrier(const std::string&) override {}
  std::vector<std::string> all_gather(std::string_view bytes, const std::string&) override {
    return {std::string(bytes)};
  }
  void broadcast(std::string&, int root, const std::string& what) override {
    if (root != 0)
      throw InvalidArgumentError(what + ": broadcast from rank " + std::to_string(root) +
                                 " in a group of 1");
  }
  void all_reduce_sum(std::span<float>, const std::string&) override {}
  void all_reduce_sum(std::span<double>, const std::string&) override {}
};

// A status as bytes: its code (one byte), then its message.
std::string encode_status(const Status& status) {
  std::string bytes(1, static_cast<char>(status.code()));
  bytes += status.message();
  return bytes;
}

Status decode_status(const std::string& bytes) {
  if (bytes.empty()) return Status(StatusCode::kInternal, "empty status from a rank");
  const auto code = static_cast<StatusCode>(static_cast<unsigned char>(bytes[0]));
  return Status(code, bytes.substr(1));
}

}  // namespace

ProcessGroup& single_process() {
  static SingleProcess group;
  return group;
}

void agree(ProcessGroup& group, const Status& mine, const std::string& what) {
  if (group.size() == 1) return throw_if_error(mine);
  const std::vector<std::string> all = group.all_gather(encode_status(mine), what);
  for (size_t r = 0; r < all.size(); ++r) {
    Status status = decode_status(all[r]);
    if (!status.ok()) {
      throw_if_error(Status(status.code(), "rank " + std::to_string(r) + ": " + status.message()));
    }
  }
}

void run_and_agree(ProcessGroup& group, const std::function<void()>& fn, const std::string& what) {
  if (group.size() == 1) return fn();
  Status mine;
  try {
    fn();
  } catch (const Error& e) {
    mine = Status(e.code(), e.what());
  } catch (const std::exception& e) {
    mine = Status(StatusCode::kInternal, e.what());
  } catch (...) {
    mine = Status(StatusCode::kInternal, what + ": an exception that is not a std::exception");
  }
  agree(group, mine, what);
}

std::string describe_ranks(const std::vector<int>& ranks) {
  std::string text = ranks.size() == 1 ? "rank " : "ranks ";
  for (size_t i = 0; i < ranks.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(ranks[i]);
  }
  return text;
}

RankSlice rank_slice(int64_t rows, int rank, int size) {
  const int64_t base = rows / size, extra = rows % size;
  const int64_t begin = rank * base + std::min<int64_t>(rank, extra);
  return {begin, begin + base + (rank < extra ? 1 : 0)};
}

}  // namespace cairn
