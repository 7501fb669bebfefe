#include "cli/convert_command.h"

#include <ostream>

#include "cairn/core/errors.h"
#include "cairn/keras/convert.h"

namespace cairn::cli {

int run_convert(const ConvertCommand& cmd, std::ostream& out, std::ostream& err) {
  try {
    keras::ConvertOptions options{.force = cmd.force};
    if (!cmd.format.empty()) {
      options.format = keras::weights_format_from_name(cmd.format);
      if (!options.format) {
        throw InvalidArgumentError("unknown --format '" + cmd.format +
                                   "': give checkpoint, h5, safetensors, keras or weights.h5");
      }
    }
    const keras::Converted converted = keras::convert(cmd.in, cmd.out, options);
    for (const std::string& why : converted.skipped)
      err << "cairn convert: skipped " << why << "\n";
    out << "wrote " << converted.path << "\n";
    return 0;
  } catch (const Error& e) {
    err << "cairn convert: " << e.code_name() << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace cairn::cli
