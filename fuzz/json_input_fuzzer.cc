// libFuzzer target for the `cairn saved_model run --input NAME=JSON` values
// (cli/json_tensor.h): the input is the JSON text. Parsed as the command
// parses it, converted to a tensor of each dtype a signature may declare,
// and printed back as `run` prints its outputs. Only cairn's typed errors
// may come out.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "cairn/core/errors.h"
#include "cli/json_tensor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return 0;
  for (cairn::DType dtype : {cairn::DType::kFloat32, cairn::DType::kFloat64, cairn::DType::kInt32,
                             cairn::DType::kInt64, cairn::DType::kBool, cairn::DType::kString}) {
    try {
      const cairn::Tensor tensor = cairn::cli::json_to_tensor(value, dtype, "--input x");
      (void)cairn::cli::dump_line(cairn::cli::tensor_to_json(tensor));
    } catch (const cairn::Error&) {
    }
  }
  return 0;
}
