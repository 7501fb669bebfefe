// libFuzzer target for the Keras model_config and training_config JSON, the
// text a .h5 file's attributes hold (keras_h5_fuzzer.cc reaches it only
// through a valid HDF5 file). The input is the JSON text; nlohmann parses
// it, then it is read as a model_config and as a training_config. Only
// cairn's typed errors may come out.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cairn/core/errors.h"
#include "keras/saving/model_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cairn::keras::Json;
  std::string text(reinterpret_cast<const char*>(data), size);
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  try {
    // As if loaded from a file holding a million weights.
    cairn::keras::Sequential model = cairn::keras::internal::model_from_config(json, 1 << 20);
    (void)cairn::keras::internal::model_config_json(model);
  } catch (const cairn::Error&) {
  }
  std::string why;
  try {
    (void)cairn::keras::internal::compile_options_from(json, why);
  } catch (const cairn::Error&) {
  }
  return 0;
}
