#include "cli/command_table.h"

#include "cli/guarded.h"

namespace cairn::cli {

int run_command_table(const Program& program, const std::vector<Command>& commands, int argc,
                      const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{program.description};
  app.require_subcommand(1);
  std::vector<CLI::App*> subcommands;
  for (const Command& command : commands) {
    subcommands.push_back(app.add_subcommand(command.name, command.help));
    command.add_flags(*subcommands.back());
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err);
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    if (!subcommands[i]->parsed()) continue;
    // Each command reports its own errors; this guard is the net under the
    // dispatch itself, so no exception ever aborts the process.
    return guarded_status(program.name, commands[i].name, err,
                          [&] { return commands[i].run(*subcommands[i], out, err); });
  }
  return 2;  // unreachable: CLI11 requires one subcommand
}

}  // namespace cairn::cli
