// Internal to keras: the seed each new model draws (from the generator
// keras::set_random_seed() seeds, else at random).
#pragma once

#include <cstdint>

namespace cairn::keras::internal {

uint64_t next_model_seed();

}  // namespace cairn::keras::internal
