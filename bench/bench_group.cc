#include "bench/bench_group.h"

#include <cstring>

#include "bench/bench_state.h"

namespace cairn::bench {

std::vector<double> gather_doubles(ProcessGroup& group, double value, const std::string& what) {
  std::string mine(sizeof(double), '\0');
  std::memcpy(mine.data(), &value, sizeof(double));
  std::vector<double> all;
  for (const std::string& bytes : group.all_gather(mine, what)) {
    double v = 0;
    if (bytes.size() == sizeof(double)) std::memcpy(&v, bytes.data(), sizeof(double));
    all.push_back(v);
  }
  return all;
}

void TimedAllReduce::all_reduce_sum(std::span<float> values, const std::string& what) {
  const auto start = std::chrono::steady_clock::now();
  inner_.all_reduce_sum(values, what);
  seconds_ += seconds_since(start);
  ++calls_;
}

void TimedAllReduce::all_reduce_sum(std::span<double> values, const std::string& what) {
  const auto start = std::chrono::steady_clock::now();
  inner_.all_reduce_sum(values, what);
  seconds_ += seconds_since(start);
  ++calls_;
}

}  // namespace cairn::bench
