// How every `cairn` subcommand reports failure: a cairn::Error becomes
// "cairn <command>: CODE: message" on stderr and exit status 1.
//
//   return guarded("predict", err, [&] { ... throws cairn::Error on failure ... });
#pragma once

#include <ostream>

#include "cairn/core/errors.h"

namespace cairn::cli {

template <typename Body>
int guarded(const char* name, std::ostream& err, Body body) {
  try {
    body();
    return 0;
  } catch (const Error& e) {
    err << "cairn " << name << ": " << e.code_name() << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace cairn::cli
