// libFuzzer target for IDX files (data/idx.h, MNIST's format): the input's
// first byte is the item limit (0: all), the rest the IDX bytes. Only a
// Status may come out: parse_idx returns, never throws.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cairn/data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)cairn::data::parse_idx(bytes, "fuzz.idx", {.limit = data[0] % 4});
  return 0;
}
