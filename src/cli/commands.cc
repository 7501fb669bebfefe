#include "cli/commands.h"

#include <optional>
#include <string>

#include "cli/bench_forward.h"
#include "cli/convert_command.h"
#include "cli/diff_command.h"
#include "cli/estimator_commands.h"
#include "cli/events_command.h"
#include "cli/export_command.h"
#include "cli/inspect.h"
#include "cli/job_group.h"
#include "cli/keras_commands.h"
#include "cli/ls_command.h"
#include "cli/plot_command.h"
#include "cli/progress_output.h"
#include "cli/saved_model_commands.h"
#include "cli/verify.h"

namespace cairn::cli {
namespace {

struct InspectFlags {
  InspectOptions options;
  std::string tensor;
};

Command inspect_command() {
  return make_command<InspectFlags>(
      "inspect",
      "List the tensors of a checkpoint (a prefix, one of its files, or a model dir) or of a "
      ".h5, .safetensors, .keras or .weights.h5 file",
      [](CLI::App& cmd, InspectFlags& f) {
        cmd.add_option("path", f.options.path,
                       "Checkpoint prefix or model directory, or a weights file")
            ->required();
        cmd.add_option("--tensor", f.tensor, "Print this tensor's values");
        cmd.add_flag("--all", f.options.all, "Print every tensor's values");
        cmd.add_flag("--json", f.options.json,
                     "Print JSON: {prefix, tensors: [{name, dtype, shape, values}]}");
      },
      [](CLI::App&, InspectFlags& f, std::ostream& out, std::ostream& err) {
        if (!f.tensor.empty()) f.options.tensor = f.tensor;
        return run_inspect(f.options, out, err);
      });
}

void add_train_flags(CLI::App& cmd, TrainCommand& t) {
  cmd.add_option("--model-dir", t.model_dir, "Model directory")->required();
  cmd.add_option("--train", t.train_csv, "Training CSV: features..., label")->required();
  cmd.add_option("--estimator", t.estimator,
                 "dnn-classifier (default), dnn-regressor, linear-classifier or keras");
  cmd.add_option("--model", t.keras_model,
                 "--estimator keras: the Keras model (.h5, .keras, SavedModel dir, or model.json)");
  cmd.add_option("--loss", t.loss,
                 "--estimator keras: the Keras loss when the model file records none "
                 "(default sparse_categorical_crossentropy)");
  cmd.add_option("--hidden-units", t.hidden_units, "Hidden layer sizes, e.g. 10,10")
      ->delimiter(',');
  cmd.add_option("--n-classes", t.n_classes, "Number of classes (default: from the data)");
  cmd.add_option("--optimizer", t.optimizer, "Adagrad, SGD, Adam, RMSProp or Ftrl");
  cmd.add_option("--learning-rate", t.learning_rate, "Learning rate");
  cmd.add_option("--steps", t.steps, "Steps to train (default 1000)");
  cmd.add_option("--batch-size", t.batch_size, "Batch size (default 100)");
  auto* steps = cmd.add_option("--save-checkpoints-steps", t.save_checkpoints_steps,
                               "Save a checkpoint every N steps");
  auto* secs = cmd.add_option("--save-checkpoints-secs", t.save_checkpoints_secs,
                              "Save a checkpoint every S seconds (default 600)");
  steps->excludes(secs);
  cmd.add_option("--keep-checkpoint-max", t.keep_checkpoint_max, "Checkpoints to keep (5)");
  cmd.add_option("--seed", t.seed, "Random seed, for runs that repeat bit for bit");
  add_no_progress_flag(cmd, t.no_progress);
  add_collective_timeout_flag(cmd, t.collective_timeout);
}

Command train_command() {
  return make_command<TrainCommand>(
      "train", "Train a canned Estimator, or a Keras model as one, on a CSV file", add_train_flags,
      [](CLI::App&, TrainCommand& t, std::ostream& out, std::ostream& err) {
        return run_train(t, out, err);
      });
}

Command evaluate_command() {
  return make_command<DataCommand>(
      "evaluate", "Evaluate the newest checkpoint on a labelled CSV",
      [](CLI::App& cmd, DataCommand& d) {
        cmd.add_option("--model-dir", d.model_dir, "Model directory")->required();
        cmd.add_option("--data", d.data_csv, "CSV: features..., [label]")->required();
        cmd.add_option("--batch-size", d.batch_size, "Batch size (default 100)");
        cmd.add_flag("--json", d.json, "Print JSON");
      },
      [](CLI::App&, DataCommand& d, std::ostream& out, std::ostream& err) {
        return run_evaluate(d, out, err);
      });
}

struct PredictFlags {
  DataCommand data;  // --model-dir, or the CSV and output flags of every form
  KerasPredictCommand keras;
};

// One command, three model forms: an Estimator model directory, a SavedModel
// directory (given either way) or a whole-model file.
int run_any_predict(PredictFlags& f, std::ostream& out, std::ostream& err) {
  DataCommand& d = f.data;
  KerasPredictCommand& k = f.keras;
  if (k.model_path.empty() == d.model_dir.empty()) {
    err << "cairn predict: give either a MODEL file or --model-dir\n";
    return 2;
  }
  if (!k.inputs_json.empty() && (!d.model_dir.empty() || !d.data_csv.empty())) {
    err << "cairn predict: --inputs goes with a MODEL file, instead of --data\n";
    return 2;
  }
  if (k.inputs_json.empty() && d.data_csv.empty()) {
    err << "cairn predict: give the examples with --data CSV (or --inputs JSON)\n";
    return 2;
  }
  for (const std::string& path : {k.model_path, d.model_dir}) {
    if (is_saved_model_dir(path)) {
      if (!k.inputs_json.empty()) {
        err << "cairn predict: --inputs is for Keras model files; a SavedModel takes "
               "`cairn saved_model run --input NAME=JSON`\n";
        return 2;
      }
      return run_saved_model_predict({.dir = path, .data_csv = d.data_csv, .json = d.json}, out,
                                     err);
    }
  }
  if (d.model_dir.empty()) {
    k.data_csv = d.data_csv, k.json = d.json, k.batch_size = d.batch_size;
    return run_keras_predict(k, out, err);
  }
  return run_predict(d, out, err);
}

Command predict_command() {
  return make_command<PredictFlags>(
      "predict", "Predict with a model directory's newest checkpoint, or a whole-model file",
      [](CLI::App& cmd, PredictFlags& f) {
        cmd.add_option("model", f.keras.model_path,
                       "A whole-model file (.h5) or a SavedModel directory, instead of "
                       "--model-dir");
        cmd.add_option("--model-dir", f.data.model_dir, "Estimator model directory");
        cmd.add_option("--data", f.data.data_csv,
                       "CSV: features..., [label]; a row is one sample flattened row-major");
        cmd.add_option("--inputs", f.keras.inputs_json,
                       "JSON {\"inputs\": {\"<input name>\": nested array}} for a model file; "
                       "prints {\"outputs\": [...]}");
        cmd.add_option("--batch-size", f.data.batch_size, "Batch size (default 100)");
        cmd.add_flag("--json", f.data.json, "Print JSON");
      },
      [](CLI::App&, PredictFlags& f, std::ostream& out, std::ostream& err) {
        return run_any_predict(f, out, err);
      });
}

Command summary_command() {
  return make_command<std::string>(
      "summary", "Print the Keras summary of a whole-model file (.h5)",
      [](CLI::App& cmd, std::string& path) {
        cmd.add_option("model", path, "Model file")->required();
      },
      [](CLI::App&, std::string& path, std::ostream& out, std::ostream& err) {
        return run_summary(path, out, err);
      });
}

Command verify_command() {
  return make_command<VerifyCommand>(
      "verify", "Check every checksum of every checkpoint in a directory (or one)",
      [](CLI::App& cmd, VerifyCommand& v) {
        cmd.add_option("path", v.path, "Model directory or checkpoint prefix")->required();
        add_no_progress_flag(cmd, v.no_progress);
      },
      [](CLI::App&, VerifyCommand& v, std::ostream& out, std::ostream& err) {
        return run_verify(v, out, err);
      });
}

struct SavedModelFlags {
  SavedModelShowCommand show;
  SavedModelRunCommand run;
};

void add_saved_model_flags(CLI::App& cmd, SavedModelFlags& f) {
  cmd.require_subcommand(1);
  CLI::App* s = cmd.add_subcommand("show", "Print tag-sets, signatures and their tensors");
  s->add_option("--dir", f.show.dir, "SavedModel directory")->required();
  s->add_option("--tag_set", f.show.tag_set, "Comma-separated tags of a MetaGraphDef, e.g. serve");
  s->add_option("--signature_def,--signature", f.show.signature_def, "Signature key");
  s->add_flag("--all", f.show.all, "Print every MetaGraphDef's signatures");
  CLI::App* r = cmd.add_subcommand("run", "Run a signature on JSON inputs, print JSON outputs");
  r->add_option("--dir", f.run.dir, "SavedModel directory")->required();
  r->add_option("--tag_set", f.run.tag_set, "Comma-separated tags (default serve)");
  r->add_option("--signature_def,--signature", f.run.signature_def,
                "Signature key (default serving_default)");
  r->add_option("--input", f.run.inputs, "NAME=JSON, e.g. x=[[1.0],[2.0]]; repeat per input");
}

Command saved_model_command() {
  return make_command<SavedModelFlags>(
      "saved_model", "Inspect and run TensorFlow SavedModels", add_saved_model_flags,
      [](CLI::App& cmd, SavedModelFlags& f, std::ostream& out, std::ostream& err) {
        if (cmd.got_subcommand("show")) return run_saved_model_show(f.show, out, err);
        return run_saved_model_run(f.run, out, err);
      });
}

Command export_command() {
  return make_command<ExportCommand>(
      "export", "Export a model directory's newest checkpoint, or a .h5 model, for serving",
      [](CLI::App& cmd, ExportCommand& e) {
        cmd.add_option("model", e.model_path, "Estimator model directory or whole-model file (.h5)")
            ->required();
        cmd.add_option("--format", e.format, "saved_model, onnx or tfjs")->required();
        cmd.add_option("--out", e.out, "Output: a directory (saved_model, tfjs) or a file (onnx)")
            ->required();
        cmd.add_flag("--force", e.force,
                     "Replace --out even if it is not a previous export of this format (never "
                     "the model itself, never a link or a special file)");
        add_no_progress_flag(cmd, e.no_progress);
      },
      [](CLI::App&, ExportCommand& e, std::ostream& out, std::ostream& err) {
        return run_export(e, out, err);
      });
}

Command convert_command() {
  return make_command<ConvertCommand>(
      "convert",
      "Convert weights between checkpoints, .h5, .safetensors, .keras and .weights.h5, bit for bit",
      [](CLI::App& cmd, ConvertCommand& c) {
        cmd.add_option("in", c.in, "Checkpoint prefix or model directory, or a weights file")
            ->required();
        cmd.add_option("out", c.out, "Checkpoint prefix or weights file to write")->required();
        cmd.add_option("--format", c.format,
                       "checkpoint (tf), h5, safetensors, keras or weights.h5 (default: from OUT)");
        cmd.add_flag("--force", c.force, "Replace OUT if it exists");
      },
      [](CLI::App&, ConvertCommand& c, std::ostream& out, std::ostream& err) {
        return run_convert(c, out, err);
      });
}

Command bench_command() {
  return make_command<std::vector<std::string>>(
      "bench",
      "Run cairn-bench, the benchmarks of `make bench`, with the arguments that follow "
      "(cairn bench train --model cnn)",
      [](CLI::App& cmd, std::vector<std::string>&) {
        cmd.set_help_flag();  // `cairn bench --help` is cairn-bench's --help
        cmd.prefix_command();
      },
      [](CLI::App& cmd, std::vector<std::string>&, std::ostream&, std::ostream&) {
        return run_bench_forward(cmd.remaining());
      });
}

}  // namespace

std::vector<Command> cairn_commands() {
  return {inspect_command(), train_command(),  evaluate_command(),    predict_command(),
          summary_command(), verify_command(), saved_model_command(), export_command(),
          ls_command(),      diff_command(),   events_command(),      plot_command(),
          convert_command(), bench_command()};
}

}  // namespace cairn::cli
