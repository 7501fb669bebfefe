// libFuzzer target for CSV input (data/csv.h): the input's first byte picks
// the options the CLI and the API use (no labels; a named label column; the
// CLI's "label is the extra last column" with 4 features), the rest is the
// CSV text. Only a Status may come out: parse_csv returns, never throws.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cairn/data/csv.h"

namespace {

cairn::data::CsvOptions options_for(uint8_t selector) {
  switch (selector % 3) {
    case 0:
      return {};
    case 1:
      return {.column_names = {"a", "b", "c", "label"}, .label_column = "label"};
    default:
      return {.label_is_last_extra_column = true, .num_features = 4};
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)cairn::data::parse_csv(text, options_for(data[0]), "fuzz.csv");
  return 0;
}
