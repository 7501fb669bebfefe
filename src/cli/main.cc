// The `cairn` command: parses flags and calls the library.
//   cairn inspect PATH [--tensor NAME] [--all] [--json]
//   cairn train --model-dir DIR --train CSV [...]
//   cairn evaluate --model-dir DIR --data CSV [--json]
//   cairn predict --model-dir DIR --data CSV [--json]
//   cairn predict MODEL.h5 --data CSV [--json]
//   cairn predict SAVED_MODEL_DIR --data CSV [--json]
//   cairn saved_model show --dir DIR [--tag_set serve] [--signature_def KEY] [--all]
//   cairn saved_model run --dir DIR [--tag_set serve] [--signature_def KEY] --input NAME=JSON ...
//   cairn export MODEL_DIR|MODEL.h5 --format saved_model|onnx|tfjs --out PATH
//   cairn bench io --dir DIR --size-mb N --tensors K [--runs R] [--json]
//   cairn bench train --model iris|mnist|mlp [--threads T] [--seconds S] [--json]
//   cairn bench train --model mnist --epochs E --checkpoint none|sync|async --dir DIR [--json]
//   cairn bench gemm [--threads T] [--n N] [--runs R] [--json]
//   cairn summary MODEL.h5
//   cairn verify DIR|PREFIX
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/bench_gemm.h"
#include "cli/bench_io.h"
#include "cli/bench_train.h"
#include "cli/estimator_commands.h"
#include "cli/export_command.h"
#include "cli/guarded.h"
#include "cli/inspect.h"
#include "cli/keras_commands.h"
#include "cli/saved_model_commands.h"
#include "cli/verify.h"

namespace {

void add_inspect(CLI::App& app, cairn::cli::InspectOptions& o, std::string& tensor) {
  CLI::App* cmd = app.add_subcommand(
      "inspect", "List the tensors of a checkpoint (a prefix, one of its files, or a model dir)");
  cmd->add_option("path", o.path, "Checkpoint prefix or model directory")->required();
  cmd->add_option("--tensor", tensor, "Print this tensor's values");
  cmd->add_flag("--all", o.all, "Print every tensor's values");
  cmd->add_flag("--json", o.json, "Print JSON: {prefix, tensors: [{name, dtype, shape, values}]}");
}

void add_train(CLI::App& app, cairn::cli::TrainCommand& t) {
  CLI::App* cmd = app.add_subcommand("train", "Train a canned Estimator on a CSV file");
  cmd->add_option("--model-dir", t.model_dir, "Model directory")->required();
  cmd->add_option("--train", t.train_csv, "Training CSV: features..., label")->required();
  cmd->add_option("--estimator", t.estimator,
                  "dnn-classifier (default), dnn-regressor or linear-classifier");
  cmd->add_option("--hidden-units", t.hidden_units, "Hidden layer sizes, e.g. 10,10")
      ->delimiter(',');
  cmd->add_option("--n-classes", t.n_classes, "Number of classes (default: from the data)");
  cmd->add_option("--optimizer", t.optimizer, "Adagrad, SGD, Adam, RMSProp or Ftrl");
  cmd->add_option("--learning-rate", t.learning_rate, "Learning rate");
  cmd->add_option("--steps", t.steps, "Steps to train (default 1000)");
  cmd->add_option("--batch-size", t.batch_size, "Batch size (default 100)");
  auto* steps = cmd->add_option("--save-checkpoints-steps", t.save_checkpoints_steps,
                                "Save a checkpoint every N steps");
  auto* secs = cmd->add_option("--save-checkpoints-secs", t.save_checkpoints_secs,
                               "Save a checkpoint every S seconds (default 600)");
  steps->excludes(secs);
  cmd->add_option("--keep-checkpoint-max", t.keep_checkpoint_max, "Checkpoints to keep (5)");
  cmd->add_option("--seed", t.seed, "Random seed, for runs that repeat bit for bit");
}

void add_data_command(CLI::App& app, const char* name, const char* help,
                      cairn::cli::DataCommand& d) {
  CLI::App* cmd = app.add_subcommand(name, help);
  cmd->add_option("--model-dir", d.model_dir, "Model directory")->required();
  cmd->add_option("--data", d.data_csv, "CSV: features..., [label]")->required();
  cmd->add_option("--batch-size", d.batch_size, "Batch size (default 100)");
  cmd->add_flag("--json", d.json, "Print JSON");
}

void add_predict(CLI::App& app, cairn::cli::DataCommand& d, cairn::cli::KerasPredictCommand& k) {
  CLI::App* cmd = app.add_subcommand(
      "predict", "Predict with a model directory's newest checkpoint, or a whole-model file");
  cmd->add_option("model", k.model_path,
                  "A whole-model file (.h5) or a SavedModel directory, instead of --model-dir");
  cmd->add_option("--model-dir", d.model_dir, "Estimator model directory");
  cmd->add_option("--data", d.data_csv, "CSV: features..., [label]")->required();
  cmd->add_option("--batch-size", d.batch_size, "Batch size (default 100)");
  cmd->add_flag("--json", d.json, "Print JSON");
}

int run_predict(cairn::cli::DataCommand& d, cairn::cli::KerasPredictCommand& k) {
  if (k.model_path.empty() == d.model_dir.empty()) {
    std::cerr << "cairn predict: give either a MODEL file or --model-dir\n";
    return 2;
  }
  for (const std::string& path : {k.model_path, d.model_dir}) {
    if (cairn::cli::is_saved_model_dir(path)) {
      return cairn::cli::run_saved_model_predict(
          {.dir = path, .data_csv = d.data_csv, .json = d.json}, std::cout, std::cerr);
    }
  }
  if (d.model_dir.empty()) {
    k.data_csv = d.data_csv, k.json = d.json, k.batch_size = d.batch_size;
    return cairn::cli::run_keras_predict(k, std::cout, std::cerr);
  }
  return cairn::cli::run_predict(d, std::cout, std::cerr);
}

void add_saved_model(CLI::App& app, cairn::cli::SavedModelShowCommand& show,
                     cairn::cli::SavedModelRunCommand& run) {
  CLI::App* cmd = app.add_subcommand("saved_model", "Inspect and run TensorFlow SavedModels");
  cmd->require_subcommand(1);
  CLI::App* s = cmd->add_subcommand("show", "Print tag-sets, signatures and their tensors");
  s->add_option("--dir", show.dir, "SavedModel directory")->required();
  s->add_option("--tag_set", show.tag_set, "Comma-separated tags of a MetaGraphDef, e.g. serve");
  s->add_option("--signature_def,--signature", show.signature_def, "Signature key");
  s->add_flag("--all", show.all, "Print every MetaGraphDef's signatures");
  CLI::App* r = cmd->add_subcommand("run", "Run a signature on JSON inputs, print JSON outputs");
  r->add_option("--dir", run.dir, "SavedModel directory")->required();
  r->add_option("--tag_set", run.tag_set, "Comma-separated tags (default serve)");
  r->add_option("--signature_def,--signature", run.signature_def,
                "Signature key (default serving_default)");
  r->add_option("--input", run.inputs, "NAME=JSON, e.g. x=[[1.0],[2.0]]; repeat per input");
}

void add_export(CLI::App& app, cairn::cli::ExportCommand& e) {
  CLI::App* cmd = app.add_subcommand(
      "export", "Export a model directory's newest checkpoint, or a .h5 model, for serving");
  cmd->add_option("model", e.model_path, "Estimator model directory or whole-model file (.h5)")
      ->required();
  cmd->add_option("--format", e.format, "saved_model, onnx or tfjs")->required();
  cmd->add_option("--out", e.out, "Output: a directory (saved_model, tfjs) or a file (onnx)")
      ->required();
  cmd->add_flag("--force", e.force,
                "Replace --out even if it is not a previous export of this format (never the "
                "model itself, never a link or a special file)");
}

void add_bench_train(CLI::App& bench, cairn::cli::BenchTrainCommand& t) {
  CLI::App* train = bench.add_subcommand(
      "train", "Training speed of reference models through fit() / Estimator::train");
  train->add_option("--model", t.model, "iris, mnist or mlp")->required();
  train->add_option(
      "--threads", t.threads,
      "Threads for matrix products (default: OPENBLAS_NUM_THREADS, else one per core)");
  train->add_option("--seconds", t.seconds, "Seconds to time after the warm-up (default 3)");
  train->add_option("--epochs", t.epochs, "Checkpoint run (mnist): whole epochs to train");
  train->add_option("--checkpoint", t.checkpoint, "Checkpoint run: none, sync or async");
  train->add_option("--dir", t.dir, "Checkpoint run: where to save");
  train->add_option("--samples", t.samples, "mnist, mlp: train on the first N examples only");
  train->add_flag("--json", t.json, "Print JSON: {steps_per_s, samples_per_s, gflops, ...}");
}

void add_bench_gemm(CLI::App& bench, cairn::cli::BenchGemmCommand& g) {
  CLI::App* gemm = bench.add_subcommand("gemm", "Single-precision matrix-product peak (GFLOP/s)");
  gemm->add_option("--threads", g.threads,
                   "Threads (default: OPENBLAS_NUM_THREADS, else one per core)");
  gemm->add_option("--n", g.n, "Size of the n x n x n product (default 4096)");
  gemm->add_option("--runs", g.runs, "Timed products; the best counts (default 5)");
  gemm->add_flag("--json", g.json, "Print JSON: {gflops, n, threads, ...}");
}

void add_bench(CLI::App& app, cairn::cli::BenchIoCommand& b, cairn::cli::BenchTrainCommand& t,
               cairn::cli::BenchGemmCommand& g) {
  CLI::App* bench = app.add_subcommand("bench", "Measure this machine");
  bench->require_subcommand(1);
  CLI::App* io = bench->add_subcommand(
      "io", "Save and restore a synthetic checkpoint through the training code path (GB/s)");
  io->add_option("--dir", b.dir, "Directory to write the checkpoints in")->required();
  io->add_option("--size-mb", b.size_mb, "Total size of the float32 state in MiB (default 64)");
  io->add_option("--tensors", b.tensors, "Number of tensors it is split into (default 16)");
  io->add_option("--runs", b.runs, "Save/restore rounds; median, min and max (default 5)");
  io->add_flag("--json", b.json, "Print JSON: {save_gbps, restore_gbps, ...}");
  io->add_flag("--async", b.async, "Save in the background (AsyncSaver): blocking vs total time");
  add_bench_train(*bench, t);
  add_bench_gemm(*bench, g);
}

int run_bench(CLI::App& app, const cairn::cli::BenchIoCommand& io,
              const cairn::cli::BenchTrainCommand& train,
              const cairn::cli::BenchGemmCommand& gemm) {
  CLI::App* bench = app.get_subcommand("bench");
  if (bench->got_subcommand("train"))
    return cairn::cli::run_bench_train(train, std::cout, std::cerr);
  if (bench->got_subcommand("gemm")) return cairn::cli::run_bench_gemm(gemm, std::cout, std::cerr);
  return cairn::cli::run_bench_io(io, std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cairn: TensorFlow-compatible training and checkpoints from C++"};
  app.require_subcommand(1);
  cairn::cli::InspectOptions inspect;
  std::string tensor_name;
  cairn::cli::TrainCommand train;
  cairn::cli::DataCommand evaluate, predict;
  cairn::cli::KerasPredictCommand keras_predict;
  std::string summary_path, verify_path;
  cairn::cli::SavedModelShowCommand saved_model_show;
  cairn::cli::SavedModelRunCommand saved_model_run;
  add_inspect(app, inspect, tensor_name);
  add_train(app, train);
  add_data_command(app, "evaluate", "Evaluate the newest checkpoint on a labelled CSV", evaluate);
  add_predict(app, predict, keras_predict);
  app.add_subcommand("summary", "Print the Keras summary of a whole-model file (.h5)")
      ->add_option("model", summary_path, "Model file")
      ->required();
  app.add_subcommand("verify", "Check every checksum of every checkpoint in a directory (or one)")
      ->add_option("path", verify_path, "Model directory or checkpoint prefix")
      ->required();
  add_saved_model(app, saved_model_show, saved_model_run);
  cairn::cli::ExportCommand export_command;
  add_export(app, export_command);
  cairn::cli::BenchIoCommand bench_io;
  cairn::cli::BenchTrainCommand bench_train;
  cairn::cli::BenchGemmCommand bench_gemm;
  add_bench(app, bench_io, bench_train, bench_gemm);
  CLI11_PARSE(app, argc, argv);

  // Each command reports its own errors; this guard is the net under the
  // dispatch itself, so no exception ever aborts the process.
  const std::string command = app.get_subcommands().front()->get_name();
  return cairn::cli::guarded_status(command.c_str(), std::cerr, [&] {
    if (app.got_subcommand("inspect")) {
      if (!tensor_name.empty()) inspect.tensor = tensor_name;
      return cairn::cli::run_inspect(inspect, std::cout, std::cerr);
    }
    if (app.got_subcommand("train")) return cairn::cli::run_train(train, std::cout, std::cerr);
    if (app.got_subcommand("evaluate")) {
      return cairn::cli::run_evaluate(evaluate, std::cout, std::cerr);
    }
    if (app.got_subcommand("verify"))
      return cairn::cli::run_verify(verify_path, std::cout, std::cerr);
    if (app.got_subcommand("saved_model")) {
      if (app.get_subcommand("saved_model")->got_subcommand("show")) {
        return cairn::cli::run_saved_model_show(saved_model_show, std::cout, std::cerr);
      }
      return cairn::cli::run_saved_model_run(saved_model_run, std::cout, std::cerr);
    }
    if (app.got_subcommand("bench")) return run_bench(app, bench_io, bench_train, bench_gemm);
    if (app.got_subcommand("export")) {
      return cairn::cli::run_export(export_command, std::cout, std::cerr);
    }
    if (app.got_subcommand("summary")) {
      return cairn::cli::run_summary(summary_path, std::cout, std::cerr);
    }
    return run_predict(predict, keras_predict);
  });
}
