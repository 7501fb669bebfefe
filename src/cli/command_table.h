// A program's subcommands as a table, and the one dispatch that `cairn` and
// `cairn-bench` both run. Each entry names a subcommand, says what it is for,
// adds its flags with CLI11 (bound to options the entry owns) and runs it:
// parse flags, call the library, print, return an exit code.
//
//   Command verify = make_command<std::string>(
//       "verify", "Check every checksum of every checkpoint in a directory (or one)",
//       [](CLI::App& cmd, std::string& path) { cmd.add_option("path", path)->required(); },
//       [](CLI::App&, std::string& path, std::ostream& out, std::ostream& err) {
//         return run_verify(path, out, err);
//       });
//   int main(int argc, char** argv) {
//     return run_command_table({.name = "cairn", .description = "..."}, {verify}, argc, argv);
//   }
#pragma once

#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace cairn::cli {

struct Command {
  std::string name;  // as typed after the program: "inspect"
  std::string help;  // one line for --help
  // Adds the subcommand's flags (and any nested subcommands) to `cmd`.
  std::function<void(CLI::App& cmd)> add_flags;
  // Runs the parsed subcommand `cmd`; returns the exit status.
  std::function<int(CLI::App& cmd, std::ostream& out, std::ostream& err)> run;
};

struct Program {
  std::string name;         // in error messages: "cairn"
  std::string description;  // the first line of --help
};

// A command whose flags fill an `Options` value that the command owns (shared
// by its two functions): `add` binds the flags to it, `run` reads it.
template <typename Options>
Command make_command(
    std::string name, std::string help, std::function<void(CLI::App& cmd, Options& options)> add,
    std::function<int(CLI::App& cmd, Options& options, std::ostream& out, std::ostream& err)> run) {
  auto options = std::make_shared<Options>();
  return {.name = std::move(name),
          .help = std::move(help),
          .add_flags = [options, add](CLI::App& cmd) { add(cmd, *options); },
          .run = [options, run](CLI::App& cmd, std::ostream& out,
                                std::ostream& err) { return run(cmd, *options, out, err); }};
}

// Parses argv against `commands` (exactly one subcommand is required) and runs
// the one given. A flag error prints CLI11's message and returns its exit code
// (106 for a missing subcommand, 0 for --help); an exception out of a command
// becomes "<program> <command>: CODE: message" on `err` and exit status 1.
int run_command_table(const Program& program, const std::vector<Command>& commands, int argc,
                      const char* const* argv, std::ostream& out = std::cout,
                      std::ostream& err = std::cerr);

}  // namespace cairn::cli
