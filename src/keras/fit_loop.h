// Internal to keras: what the training loops of Sequential and Model share.
#pragma once

#include <cstdint>
#include <random>

namespace cairn::keras::internal {

// Each epoch draws its shuffle order and dropout masks from its own
// generator, so a run resumed at epoch k (BackupAndRestore) repeats exactly
// what an uninterrupted run does from k.
inline std::mt19937_64 epoch_rng(uint64_t seed, int epoch) {
  return std::mt19937_64(seed ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(epoch + 1)));
}

// Batches of `batch_size` over `samples` (the last one may be short).
inline int steps_for(int64_t samples, int batch_size) {
  return static_cast<int>((samples + batch_size - 1) / batch_size);
}

// Throws InvalidArgumentError unless batch_size >= 1.
void check_batch_size(int batch_size);

}  // namespace cairn::keras::internal
