// keras::set_random_seed and the seeds models draw from it.
#include "keras/random_seed.h"

#include <mutex>
#include <optional>
#include <random>

#include "cairn/keras/sequential.h"

namespace cairn::keras {

namespace {

std::mutex& seed_mutex() {
  static std::mutex m;
  return m;
}

std::optional<std::mt19937_64>& seed_source() {
  static std::optional<std::mt19937_64> source;
  return source;
}

}  // namespace

uint64_t internal::next_model_seed() {
  std::lock_guard lock(seed_mutex());
  if (seed_source()) return (*seed_source())();
  return (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
}

void set_random_seed(uint64_t seed) {
  std::lock_guard lock(seed_mutex());
  seed_source().emplace(seed);
}

}  // namespace cairn::keras
