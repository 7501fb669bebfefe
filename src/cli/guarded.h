// How every `cairn` (and `cairn-bench`) subcommand reports failure: an
// exception becomes "<program> <command>: CODE: message" on stderr and exit
// status 1, never an abort; the program is "cairn" unless one is named. A cairn::Error keeps its
// code; running out of memory (bad_alloc, or a container asked to grow past its maximum) is
// RESOURCE_EXHAUSTED; any other exception is INTERNAL with its message.
//
//   return guarded("predict", err, [&] { ... throws on failure ... });
//   return guarded_status("inspect", err, [&] { return run(...); });  // body's exit code
//   return guarded("cairn-bench", "io", err, [&] { ... });  // "cairn-bench io: ..."
#pragma once

#include <exception>
#include <new>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cairn/core/errors.h"

namespace cairn::cli {

// Prints the exception in flight (call only inside a catch block) and returns 1.
inline int report_exception(std::string_view program, std::string_view name, std::ostream& err) {
  const std::string prefix = std::string(program) + " " + std::string(name) + ": ";
  try {
    throw;
  } catch (const Error& e) {
    err << prefix << e.code_name() << ": " << e.what() << "\n";
  } catch (const std::bad_alloc&) {
    err << prefix << "RESOURCE_EXHAUSTED: out of memory while running `" << name << "`\n";
  } catch (const std::length_error& e) {
    err << prefix << "RESOURCE_EXHAUSTED: out of memory while running `" << name
        << "` (a buffer would exceed its maximum size: " << e.what() << ")\n";
  } catch (const std::exception& e) {
    err << prefix << "INTERNAL: " << e.what() << "\n";
  } catch (...) {
    err << prefix << "INTERNAL: an exception that is not a std::exception\n";
  }
  return 1;
}

// Runs `body`, which returns the command's exit status.
template <typename Body>
int guarded_status(std::string_view program, std::string_view name, std::ostream& err, Body body) {
  try {
    return body();
  } catch (...) {
    return report_exception(program, name, err);
  }
}

template <typename Body>
int guarded_status(std::string_view name, std::ostream& err, Body body) {
  return guarded_status("cairn", name, err, body);
}

// Runs `body`; 0 when it returns, 1 when it throws.
template <typename Body>
int guarded(std::string_view program, std::string_view name, std::ostream& err, Body body) {
  return guarded_status(program, name, err, [&] {
    body();
    return 0;
  });
}

template <typename Body>
int guarded(std::string_view name, std::ostream& err, Body body) {
  return guarded("cairn", name, err, body);
}

}  // namespace cairn::cli
