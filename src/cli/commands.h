// The table of `cairn`'s commands, in the order `cairn --help` lists them;
// cli/main.cc runs it through run_command_table (cli/command_table.h). Each
// entry's flags are declared in commands.cc and its work is done by the
// library through the run_* function of its own file (inspect.h, verify.h,
// estimator_commands.h, keras_commands.h, saved_model_commands.h,
// export_command.h).
//
//   cairn inspect PATH [--tensor NAME] [--all] [--json]
//   cairn train --model-dir DIR --train CSV [...]
//   cairn evaluate --model-dir DIR --data CSV [--json]
//   cairn predict --model-dir DIR --data CSV [--json]
//   cairn predict MODEL.h5 --data CSV [--json]
//   cairn predict SAVED_MODEL_DIR --data CSV [--json]
//   cairn summary MODEL.h5
//   cairn verify DIR|PREFIX
//   cairn saved_model show --dir DIR [--tag_set serve] [--signature_def KEY] [--all]
//   cairn saved_model run --dir DIR [--tag_set serve] [--signature_def KEY] --input NAME=JSON ...
//   cairn export MODEL_DIR|MODEL.h5 --format saved_model|onnx|tfjs --out PATH
//
//   cairn bench ARGS...     (runs `cairn-bench ARGS...` built beside cairn: bench_forward.h)
//
// Benchmarks are their own program, `cairn-bench` (bench/); `cairn bench`
// only forwards to it.
#pragma once

#include <vector>

#include "cli/command_table.h"

namespace cairn::cli {

std::vector<Command> cairn_commands();

}  // namespace cairn::cli
