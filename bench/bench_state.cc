#include "bench/bench_state.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace cairn::bench {

Summary summarize(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return {median, values.front(), values.back()};
}

NamedTensors synthetic_state(int64_t total_bytes, int64_t count) {
  const int64_t elements = total_bytes / 4;
  const int64_t each = elements / count;
  NamedTensors state;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t n = i + 1 == count ? elements - each * (count - 1) : each;
    Tensor t(DType::kFloat32, {n});
    float value = static_cast<float>(i);
    for (float& v : t.flat<float>()) v = (value += 0.25f);
    char name[48];
    std::snprintf(name, sizeof(name), "bench/layer_%06lld/kernel", static_cast<long long>(i));
    state.emplace_back(name, std::move(t));
  }
  return state;
}

}  // namespace cairn::bench
