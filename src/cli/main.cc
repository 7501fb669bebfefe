// The `cairn` command: parses flags and calls the library, through the table
// of commands in cli/commands.h.
#include "cli/command_table.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  return cairn::cli::run_command_table(
      {.name = "cairn",
       .description = "cairn: TensorFlow-compatible training and checkpoints from C++"},
      cairn::cli::cairn_commands(), argc, argv);
}
