// `cairn convert IN OUT [--format F] [--force]`: the same weights in another
// file format, names and values bit for bit (cairn/keras/convert.h has the
// formats and how names map between them).
//
//   cairn convert models/iris iris.safetensors            newest checkpoint -> safetensors
//   cairn convert iris.safetensors restored/model.ckpt-1  and back
//   cairn convert model.h5 model.safetensors              Keras HDF5 -> safetensors
//   cairn convert model.h5 model.keras                    through the Keras front end
//   cairn convert w.safetensors out --format checkpoint   OUT's format named explicitly
//
// OUT's format comes from its extension unless --format names it; an
// existing OUT is refused unless --force, and is then replaced atomically.
#pragma once

#include <iosfwd>
#include <string>

namespace cairn::cli {

struct ConvertCommand {
  std::string in;      // a checkpoint prefix or model directory, or a weights file
  std::string out;     // a checkpoint prefix or a weights file
  std::string format;  // checkpoint (tf), h5, safetensors, keras, weights.h5; empty: from OUT
  bool force = false;  // replace an existing OUT
};

// The exit code: 0 with "wrote OUT" on `out` (and "cairn convert: skipped
// NAME: why" on `err` for each tensor left out), or 1 with
// "cairn convert: CODE: message" on `err`.
int run_convert(const ConvertCommand& cmd, std::ostream& out, std::ostream& err);

}  // namespace cairn::cli
