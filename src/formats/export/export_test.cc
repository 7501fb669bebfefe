// export_inference_model: what an export may replace (issue 19, findings 8
// and 10), and that replacing a SavedModel is atomic even under SIGKILL
// (finding 9).
#include "cairn/formats/export/export.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/formats/export/saved_model_writer.h"
#include "cairn/io/memory_file_system.h"
#include "formats/export/export_test_util.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;

InferenceModel mlp(unsigned seed) {
  std::mt19937 rng(seed);
  InferenceModel model{.name = "mlp", .input_name = "dense_input", .input_shape = {4}};
  model.steps = {testing::dense_step(rng, "dense", 4, 64, "relu"),
                 testing::dense_step(rng, "dense_1", 64, 3, "softmax")};
  model.outputs = {{"dense_1", InferenceOutput::Kind::kActivations}};
  return model;
}

// The SavedModel at `dir` is complete: saved_model.pb parses and every
// variable reads back with its checksum.
Status saved_model_loads(FileSystem& fs, const std::string& dir) {
  CAIRN_RETURN_IF_ERROR(read_saved_model_proto(fs, dir).status());
  CAIRN_ASSIGN_OR_RETURN(auto reader, BundleReader::open(fs, saved_model_variables_prefix(dir)));
  return reader->verify_all();
}

// The bytes of the files under `path` (a file, or a directory and its subdirectories).
uint64_t bytes_under(FileSystem& fs, const std::string& path) {
  if (!fs.is_directory(path)) return *fs.file_size(path);
  uint64_t total = 0;
  const std::vector<std::string> names = *fs.list_directory(path);
  for (const std::string& name : names) {
    total += bytes_under(fs, join_path(path, name));
  }
  return total;
}

struct BytesWritten : Progress {
  void update(int64_t done, int64_t, ProgressUnit unit) override {
    EXPECT_EQ(unit, ProgressUnit::kBytes);
    EXPECT_GE(done, last);
    last = done;
  }
  int64_t last = 0;
};

// (TensorFlow.js too, through `cairn export`: cli/export_command_test.cc.)
TEST(ExportProgressTest, ReportsEveryByteOfTheExport) {
  for (ExportFormat format : {ExportFormat::kSavedModel, ExportFormat::kOnnx}) {
    MemoryFileSystem fs;
    BytesWritten progress;
    const Status exported =
        export_inference_model(fs, mlp(1), "/out", format, {.progress = &progress});
    ASSERT_TRUE(exported.ok()) << exported.to_string();
    EXPECT_EQ(static_cast<uint64_t>(progress.last), bytes_under(fs, "/out"))
        << export_format_name(format);
    EXPECT_GT(progress.last, 64 * 4 * 4) << "at least the first kernel's bytes";
  }
}

TEST(ExportTargetTest, ExportOverANonExportFileIsRefusedWithoutForce) {
  MemoryFileSystem fs;
  ASSERT_TRUE(fs.write_file_atomically("/m/model.ckpt-5.index", "index bytes").ok());
  for (ExportFormat format :
       {ExportFormat::kSavedModel, ExportFormat::kOnnx, ExportFormat::kTfjs}) {
    Status s = export_inference_model(fs, mlp(1), "/m/model.ckpt-5.index", format);
    EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.to_string();
    EXPECT_THAT(s.message(), HasSubstr("/m/model.ckpt-5.index"));
    EXPECT_THAT(s.message(), HasSubstr("--force"));
  }
  EXPECT_EQ(*fs.read_file("/m/model.ckpt-5.index"), "index bytes");
  ASSERT_TRUE(fs.write_file_atomically("/out/notes.txt", "mine").ok());
  EXPECT_FALSE(export_inference_model(fs, mlp(1), "/out", ExportFormat::kSavedModel).ok());
  EXPECT_TRUE(
      export_inference_model(fs, mlp(1), "/out", ExportFormat::kSavedModel, {.force = true}).ok());
  EXPECT_TRUE(saved_model_loads(fs, "/out").ok());
}

TEST(ExportTargetTest, ExportIntoTheModelDirectoryIsRefusedEvenWithForce) {
  MemoryFileSystem fs;
  ASSERT_TRUE(fs.write_file_atomically("/m/model.ckpt-5.index", "index bytes").ok());
  for (const char* out : {"/m", "/m/", "/m/export", "/x/../m/model.ckpt-5.index"}) {
    Status s = export_inference_model(fs, mlp(1), out, ExportFormat::kSavedModel,
                                      {.force = true, .source = "/m"});
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << out;
    EXPECT_THAT(s.message(), HasSubstr("inside it")) << out;
  }
  EXPECT_THAT(*fs.list_directory("/m"), ::testing::ElementsAre("model.ckpt-5.index"));
  EXPECT_TRUE(
      export_inference_model(fs, mlp(1), "/mx", ExportFormat::kSavedModel, {.source = "/m"}).ok());
}

TEST(ExportTargetTest, ExportOverADirectoryHoldingTheModelIsRefusedEvenWithForce) {
  MemoryFileSystem fs;
  ASSERT_TRUE(fs.write_file_atomically("/p/m/model.ckpt-5.index", "index bytes").ok());
  ASSERT_TRUE(fs.write_file_atomically("/p/model.h5", "h5 bytes").ok());
  for (const char* source : {"/p/m", "/p/model.h5"}) {
    for (const char* out : {"/p", "/p/", "/"}) {
      Status s = export_inference_model(fs, mlp(1), out, ExportFormat::kSavedModel,
                                        {.force = true, .source = source});
      EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << source << " " << out;
      EXPECT_THAT(s.message(), HasSubstr("holds the model")) << source << " " << out;
    }
  }
  EXPECT_THAT(*fs.list_directory("/p/m"), ::testing::ElementsAre("model.ckpt-5.index"));
  EXPECT_TRUE(fs.file_exists("/p/model.h5"));
}

TEST(ExportTargetTest, ExportOverASpecialFileOrALinkIsRefusedEvenWithForce) {
  cairn::testing::TempDir tmp;
  FileSystem& fs = default_file_system();
  const std::string fifo = tmp.path() + "/fifo", link = tmp.path() + "/link";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  ASSERT_EQ(::symlink(fifo.c_str(), link.c_str()), 0);
  for (const std::string& out : {fifo, link}) {
    for (ExportFormat format : {ExportFormat::kSavedModel, ExportFormat::kOnnx}) {
      Status s = export_inference_model(fs, mlp(1), out, format, {.force = true});
      EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << out << " " << s.to_string();
    }
  }
  EXPECT_EQ(*fs.file_type(fifo), FileType::kOther);
  EXPECT_EQ(*fs.file_type(link), FileType::kSymlink);
}

TEST(ExportTargetTest, ReExportReplacesThePreviousExportAndLeavesNothingBeside) {
  cairn::testing::TempDir tmp;
  FileSystem& fs = default_file_system();
  const std::string out = tmp.path() + "/sm";
  for (unsigned seed : {1u, 2u}) {
    ASSERT_TRUE(export_inference_model(fs, mlp(seed), out, ExportFormat::kSavedModel).ok());
    ASSERT_TRUE(export_inference_model(fs, mlp(seed), out + ".onnx", ExportFormat::kOnnx).ok());
  }
  auto reader = BundleReader::open(fs, saved_model_variables_prefix(out));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->read("dense/bias")->flat<float>()[0], mlp(2).steps[0].bias.flat<float>()[0]);
  EXPECT_THAT(*fs.list_directory(tmp.path()), ::testing::ElementsAre("sm", "sm.onnx"));
}

// A child re-exports over a good SavedModel in a loop; it is SIGKILLed at
// varied moments, and after every kill the path holds a complete SavedModel.
TEST(ExportAtomicityTest, KilledReExportAlwaysLeavesACompleteSavedModel) {
  cairn::testing::TempDir tmp;
  FileSystem& fs = default_file_system();
  const std::string out = tmp.path() + "/sm";
  ASSERT_TRUE(export_inference_model(fs, mlp(0), out, ExportFormat::kSavedModel).ok());
  std::mt19937 rng(11);
  for (int kill = 0; kill < 30; ++kill) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::alarm(20);
      for (unsigned seed = 1;; ++seed) {
        if (!export_inference_model(fs, mlp(seed), out, ExportFormat::kSavedModel).ok()) {
          ::_exit(1);
        }
      }
    }
    ::usleep(std::uniform_int_distribution<useconds_t>(0, 30000)(rng));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the exporting child failed on its own, kill " << kill;
    Status loads = saved_model_loads(fs, out);
    ASSERT_TRUE(loads.ok()) << "after kill " << kill << ": " << loads.to_string();
  }
  // The next export cleans up what the killed ones left beside it.
  ASSERT_TRUE(export_inference_model(fs, mlp(0), out, ExportFormat::kSavedModel).ok());
  EXPECT_THAT(*fs.list_directory(tmp.path()), ::testing::ElementsAre("sm"));
}

}  // namespace
}  // namespace cairn
