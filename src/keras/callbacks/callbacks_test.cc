// ModelCheckpoint (templates, period, save_best_only, save_freq, verbose
// lines), EarlyStopping, CSVLogger and TensorBoard.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/core/errors.h"
#include "cairn/formats/events/event_reader.h"
#include "cairn/keras/callbacks/callbacks.h"
#include "keras/keras_test_util.h"
#include "testing/test_util.h"

namespace cairn::keras {
namespace {

using testing::blobs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::small_classifier;

// The files a user sees (`ls`): the directory's .cairn.lock left out.
std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename() != ".cairn.lock") names.push_back(e.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ModelCheckpointTest, EveryFifthEpochWithTemplateAsTheTutorial) {
  cairn::testing::TempDir dir;
  auto [x, y] = blobs(60, 1);
  Sequential model = small_classifier();
  std::ostringstream out;
  model.set_output(out);
  const std::string path = dir.path() + "/training_2/cp-{epoch:04d}.ckpt";
  auto cp = std::make_shared<ModelCheckpoint>(
      path, ModelCheckpointOptions{.verbose = 1, .save_weights_only = true, .period = 5});
  model.fit(x, y, {.epochs = 10, .callbacks = {cp}, .verbose = 0});
  EXPECT_THAT(listing(dir.path() + "/training_2"),
              ElementsAre("checkpoint", "cp-0005.ckpt.data-00000-of-00001", "cp-0005.ckpt.index",
                          "cp-0010.ckpt.data-00000-of-00001", "cp-0010.ckpt.index"));
  EXPECT_EQ(latest_checkpoint(dir.path() + "/training_2"), dir.path() + "/training_2/cp-0010.ckpt");
  EXPECT_EQ(out.str(), "\nEpoch 00005: saving model to " + dir.path() +
                           "/training_2/cp-0005.ckpt\n\nEpoch 00010: saving model to " +
                           dir.path() + "/training_2/cp-0010.ckpt\n");
  Sequential fresh = small_classifier(123);
  fresh.load_weights(*latest_checkpoint(dir.path() + "/training_2"));
  EXPECT_TRUE(testing::same_weights(model, fresh));
}

TEST(ModelCheckpointTest, SaveBestOnlyWithLogsInTheName) {
  cairn::testing::TempDir dir;
  auto [x, y] = blobs(90, 2);
  Sequential model = small_classifier();
  std::ostringstream out;
  model.set_output(out);
  auto cp = std::make_shared<ModelCheckpoint>(
      dir.path() + "/weights.{epoch:02d}-{val_loss:.2f}.h5",
      ModelCheckpointOptions{.verbose = 1, .save_best_only = true, .save_weights_only = true});
  History h =
      model.fit(x, y, {.epochs = 6, .validation_split = 0.3, .callbacks = {cp}, .verbose = 0});
  // Exactly the epochs whose val_loss beat every earlier one were saved.
  std::vector<std::string> expected;
  double best = 1e300;
  for (size_t e = 0; e < h.epoch.size(); ++e) {
    const double v = h.history["val_loss"][e];
    if (v < best) {
      best = v;
      char name[64];
      std::snprintf(name, sizeof name, "weights.%02zu-%.2f.h5", e + 1, v);
      expected.push_back(name);
    }
  }
  EXPECT_EQ(listing(dir.path()), expected);
  EXPECT_DOUBLE_EQ(cp->best(), best);
  EXPECT_THAT(out.str(), HasSubstr("Epoch 00001: val_loss improved from inf to "));
}

TEST(ModelCheckpointTest, SaveFreqInBatches) {
  cairn::testing::TempDir dir;
  auto [x, y] = blobs(64, 3);  // 4 batches of 16 per epoch
  Sequential model = small_classifier();
  auto cp = std::make_shared<ModelCheckpoint>(
      dir.path() + "/e{epoch}-b{batch}.ckpt",
      ModelCheckpointOptions{.save_weights_only = true, .save_freq = int64_t{3}});
  model.fit(x, y, {.epochs = 3, .batch_size = 16, .callbacks = {cp}, .verbose = 0});
  // 12 batches: saves after the 3rd, 6th, 9th, 12th.
  EXPECT_THAT(listing(dir.path()),
              ElementsAre("checkpoint", "e1-b3.ckpt.data-00000-of-00001", "e1-b3.ckpt.index",
                          "e2-b2.ckpt.data-00000-of-00001", "e2-b2.ckpt.index",
                          "e3-b1.ckpt.data-00000-of-00001", "e3-b1.ckpt.index",
                          "e3-b4.ckpt.data-00000-of-00001", "e3-b4.ckpt.index"));
}

TEST(ModelCheckpointTest, WholeModelsAsH5) {
  cairn::testing::TempDir dir;
  auto [x, y] = blobs(30, 8);
  Sequential model = small_classifier();
  auto cp = std::make_shared<ModelCheckpoint>(dir.path() + "/model-{epoch:02d}.h5");
  model.fit(x, y, {.epochs = 2, .callbacks = {cp}, .verbose = 0});
  EXPECT_THAT(listing(dir.path()), ElementsAre("model-01.h5", "model-02.h5"));
  Sequential loaded = load_model(dir.path() + "/model-02.h5");
  EXPECT_TRUE(loaded.predict(x) == model.predict(x));
  EXPECT_EQ(loaded.optimizer()->iterations(), 2);
}

TEST(ModelCheckpointTest, RefusesWhatItCannotDo) {
  EXPECT_THROW(ModelCheckpoint("m.ckpt"), InvalidArgumentError);  // whole model needs .h5
  EXPECT_THROW(ModelCheckpoint("m.h5", {.mode = "best"}), InvalidArgumentError);
  EXPECT_THROW(ModelCheckpoint("m.h5", {.save_freq = std::string("batch")}), InvalidArgumentError);
  cairn::testing::TempDir dir;
  auto [x, y] = blobs(30, 4);
  Sequential model = small_classifier();
  auto cp = std::make_shared<ModelCheckpoint>(dir.path() + "/w-{val_acc:.2f}.h5",
                                              ModelCheckpointOptions{.save_weights_only = true});
  EXPECT_THROW(model.fit(x, y, {.epochs = 1, .callbacks = {cp}, .verbose = 0}),
               InvalidArgumentError);
}

TEST(EarlyStoppingTest, StopsAfterPatienceAndRestoresBest) {
  auto [x, y] = blobs(60, 5);
  Sequential model = small_classifier();
  // Training loss cannot improve by 10 per epoch: stops after `patience` epochs.
  auto stop = std::make_shared<EarlyStopping>(EarlyStoppingOptions{
      .monitor = "loss", .min_delta = 10.0, .patience = 2, .restore_best_weights = true});
  History h = model.fit(x, y, {.epochs = 20, .callbacks = {stop}, .verbose = 0});
  EXPECT_EQ(h.epoch.size(), 3u);
  EXPECT_EQ(stop->stopped_epoch(), 2);
  auto accuracy =
      std::make_shared<EarlyStopping>(EarlyStoppingOptions{.monitor = "accuracy", .patience = 100});
  History h2 = model.fit(x, y, {.epochs = 4, .callbacks = {accuracy}, .verbose = 0});
  EXPECT_EQ(h2.epoch.size(), 4u);  // "auto" maximizes accuracy: improving, never stops
}

TEST(CsvLoggerTest, OneRowPerEpochSortedColumns) {
  cairn::testing::TempDir dir;
  auto [x, y] = blobs(30, 6);
  Sequential model = small_classifier();
  const std::string file = dir.path() + "/training.log";
  History h = model.fit(x, y,
                        {.epochs = 3,
                         .validation_data = {{x, y}},
                         .callbacks = {std::make_shared<CSVLogger>(file)},
                         .verbose = 0});
  std::ifstream in(file);
  std::string header, row;
  std::getline(in, header);
  EXPECT_EQ(header, "epoch,accuracy,loss,val_accuracy,val_loss");
  int rows = 0;
  while (std::getline(in, row)) {
    EXPECT_EQ(row.substr(0, 2), std::to_string(rows) + ",");
    const double loss = std::stod(row.substr(row.find(',', row.find(',') + 1) + 1));
    EXPECT_DOUBLE_EQ(loss, h.history["loss"][static_cast<size_t>(rows)]);
    ++rows;
  }
  EXPECT_EQ(rows, 3);
  model.fit(
      x, y,
      {.epochs = 1, .callbacks = {std::make_shared<CSVLogger>(file, ',', true)}, .verbose = 0});
  std::ifstream again(file);
  int lines = 0;
  for (std::string l; std::getline(again, l);) ++lines;
  EXPECT_EQ(lines, 5);  // header once, 3 + 1 rows
}

TEST(TensorBoardTest, TrainAndValidationEventFilesAsTfKeras) {
  cairn::testing::TempDir dir;
  auto [x, y] = blobs(60, 7);
  Sequential model = small_classifier();
  History h = model.fit(x, y,
                        {.epochs = 3,
                         .validation_split = 0.25,
                         .callbacks = {std::make_shared<TensorBoard>(dir.path() + "/logs")},
                         .verbose = 0});
  for (const char* sub : {"train", "validation"}) {
    std::vector<std::string> files = listing(dir.path() + "/logs/" + sub);
    ASSERT_EQ(files.size(), 1u) << sub;
    EXPECT_THAT(files[0], ::testing::MatchesRegex(
                              R"(events\.out\.tfevents\.[0-9]{10}\..+\.[0-9]+\.[0-9]+\.v2)"));
    auto events = value_or_throw(
        read_events(default_file_system(), dir.path() + "/logs/" + sub + "/" + files[0]));
    std::map<std::string, std::vector<std::pair<int64_t, float>>> scalars;
    for (const auto& e : events) {
      for (const auto& v : e.summary().value()) {
        if (v.value_case() == tensorflow::Summary::Value::kSimpleValue) {
          scalars[v.tag()].push_back({e.step(), v.simple_value()});
        }
      }
    }
    const std::string prefix = std::string(sub) == "train" ? "" : "val_";
    // A second opinion from tfevents.py, an event reader we did not write.
    if (auto tools = cairn::testing::tools_dir();
        tools && cairn::testing::python_has_modules("crc32c")) {
      auto run = cairn::testing::run_command(
          "/usr/bin/python3 " + cairn::testing::shell_quote(*tools + "/tfevents.py") + " " +
          cairn::testing::shell_quote(dir.path() + "/logs/" + sub + "/" + files[0]));
      EXPECT_EQ(run.exit_code, 0) << run.err;
      EXPECT_NE(run.out.find("epoch_accuracy"), std::string::npos) << run.out;
      EXPECT_NE(run.out.find("epoch_loss"), std::string::npos) << run.out;
    }
    ASSERT_EQ(scalars["epoch_loss"].size(), 3u);
    ASSERT_EQ(scalars["epoch_accuracy"].size(), 3u);
    for (int64_t e = 0; e < 3; ++e) {
      EXPECT_EQ(scalars["epoch_loss"][e].first, e);
      EXPECT_FLOAT_EQ(scalars["epoch_loss"][e].second,
                      static_cast<float>(h.history[prefix + "loss"][static_cast<size_t>(e)]));
    }
  }
}

}  // namespace
}  // namespace cairn::keras
