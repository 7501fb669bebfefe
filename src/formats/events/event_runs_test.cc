// read_event_runs and summarize_run: runs found recursively and read in name
// order, TensorBoard's purge at a SessionLog START, histograms summarised
// from HistogramProto and from TF 2.x's [k, 3] tensors, float tensors
// decoded, and the runs of TensorFlow-written log directories in
// ../shared/fixtures (skipped when absent).
#include "cairn/formats/events/event_runs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "cairn/formats/events/event_writer.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/proto/tensor.pb.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

tensorflow::Event scalar_event(const std::string& tag, int64_t step, float value) {
  tensorflow::Event e;
  e.set_step(step);
  e.set_wall_time(1000.0 + static_cast<double>(step));
  auto* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  v->set_simple_value(value);
  return e;
}

tensorflow::Event start_event(int64_t step) {
  tensorflow::Event e;
  e.set_step(step);
  e.mutable_session_log()->set_status(tensorflow::SessionLog::START);
  return e;
}

// A TF 2.x histogram: Summary.Value.tensor of (left, right, count) rows.
tensorflow::Event tensor_histogram_event(const std::string& tag, int64_t step,
                                         const std::vector<double>& rows,
                                         const std::string& plugin = "histograms") {
  tensorflow::TensorProto t;
  t.set_dtype(tensorflow::DT_DOUBLE);
  t.mutable_tensor_shape()->add_dim()->set_size(static_cast<int64_t>(rows.size() / 3));
  t.mutable_tensor_shape()->add_dim()->set_size(3);
  t.set_tensor_content(std::string(reinterpret_cast<const char*>(rows.data()), rows.size() * 8));
  tensorflow::Event e;
  e.set_step(step);
  auto* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  v->mutable_metadata()->mutable_plugin_data()->set_plugin_name(plugin);
  v->set_tensor(t.SerializeAsString());
  return e;
}

std::vector<int64_t> steps_of(const EventRun& run, const std::string& tag) {
  std::vector<int64_t> steps;
  for (const ScalarEvent& s : run.scalars) {
    if (s.tag == tag) steps.push_back(s.step);
  }
  return steps;
}

TEST(EventRunsTest, StartPurgesLaterAndEqualStepsOnly) {
  std::vector<tensorflow::Event> events;
  for (int step = 1; step <= 6; ++step) events.push_back(scalar_event("loss", step, 1.0f));
  events.push_back(tensor_histogram_event("w", 5, {0, 1, 2}));
  events.push_back(start_event(4));  // resumed from a checkpoint at step 3
  for (int step = 4; step <= 7; ++step) events.push_back(scalar_event("loss", step, 2.0f));
  EventRun run = summarize_run("r", {}, events);
  EXPECT_EQ(steps_of(run, "loss"), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  for (const ScalarEvent& s : run.scalars) EXPECT_EQ(s.value, s.step < 4 ? 1.0 : 2.0) << s.step;
  EXPECT_TRUE(run.histograms.empty());  // step 5 >= 4
}

TEST(EventRunsTest, HistogramProtoIsSummarised) {
  MemoryFileSystem fs;
  auto writer =
      EventWriter::create(fs, "/logs", "", {.clock = [] { return 10.0; }, .hostname = "h"});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->add_histogram("w", {-1.0, 0.5, 2.0, 2.0}, 7).ok());
  ASSERT_TRUE((*writer)->close().ok());
  auto runs = read_event_runs(fs, "/logs");
  ASSERT_TRUE(runs.ok()) << runs.status().to_string();
  ASSERT_EQ(runs->size(), 1u);
  ASSERT_EQ((*runs)[0].histograms.size(), 1u);
  const HistogramEvent& h = (*runs)[0].histograms[0];
  EXPECT_EQ(h.tag, "w");
  EXPECT_EQ(h.step, 7);
  EXPECT_EQ(h.wall_time, 10.0);
  EXPECT_EQ(h.count, 4);
  EXPECT_EQ(h.min, -1.0);
  EXPECT_EQ(h.max, 2.0);
  EXPECT_DOUBLE_EQ(h.mean, 0.875);
  EXPECT_DOUBLE_EQ(h.stddev, std::sqrt((1 + 0.25 + 4 + 4) / 4.0 - 0.875 * 0.875));
  ASSERT_EQ(h.buckets.size(), 3u);          // -1, 0.5 and the two 2s
  EXPECT_EQ(h.buckets.front().left, -1.0);  // clamped from -DBL_MAX's neighbour
  EXPECT_EQ(h.buckets.back().right, 2.0);
  EXPECT_EQ(h.buckets.back().count, 2.0);
  for (const auto& b : h.buckets) EXPECT_LE(b.left, b.right);
  EXPECT_LT(h.buckets[1].left, 0.5);
  EXPECT_GE(h.buckets[1].right, 0.5);
}

TEST(EventRunsTest, TensorHistogramIsSummarisedFromItsBuckets) {
  EventRun run = summarize_run("r", {},
                               {tensor_histogram_event("w", 3, {0, 1, 2, 1, 2, 0, 2, 4, 2}),
                                tensor_histogram_event("not_a_histogram", 3, {0, 1, 2}, "scalars"),
                                tensor_histogram_event("empty", 4, {})});
  ASSERT_EQ(run.histograms.size(), 2u);
  const HistogramEvent& h = run.histograms[0];
  EXPECT_EQ(h.tag, "w");
  EXPECT_EQ(h.count, 4);
  EXPECT_EQ(h.min, 0);
  EXPECT_EQ(h.max, 4);
  EXPECT_DOUBLE_EQ(h.mean, (0.5 * 2 + 3 * 2) / 4.0);  // bucket midpoints
  EXPECT_DOUBLE_EQ(h.stddev, 1.25);
  ASSERT_EQ(h.buckets.size(), 2u);  // the empty row is left out
  EXPECT_EQ(h.buckets[1].left, 2);
  EXPECT_EQ(h.buckets[1].right, 4);
  EXPECT_EQ(run.histograms[1].tag, "empty");
  EXPECT_EQ(run.histograms[1].count, 0);
  EXPECT_TRUE(run.histograms[1].buckets.empty());
  EXPECT_TRUE(run.scalars.empty());
}

TEST(EventRunsTest, FloatTensorsDecodeFromValuesOrContent) {
  tensorflow::TensorProto t;
  t.set_dtype(tensorflow::DT_FLOAT);
  t.mutable_tensor_shape()->add_dim()->set_size(2);
  t.add_float_val(1.5f);
  t.add_float_val(-2.0f);
  auto decoded = decode_float_tensor(t.SerializeAsString());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(decoded->values, (std::vector<double>{1.5, -2.0}));
  EXPECT_FALSE(decode_scalar_tensor(t.SerializeAsString()));  // not rank 0
  t.add_float_val(3.0f);                                      // three values for two elements
  EXPECT_FALSE(decode_float_tensor(t.SerializeAsString()));
  t.mutable_tensor_shape()->mutable_dim(0)->set_size(int64_t{1} << 40);  // more than the bytes hold
  t.clear_float_val();
  t.set_tensor_content(std::string(8, '\0'));
  EXPECT_FALSE(decode_float_tensor(t.SerializeAsString()));
  t.mutable_tensor_shape()->mutable_dim(0)->set_size(-1);
  EXPECT_FALSE(decode_float_tensor(t.SerializeAsString()));
  t.set_dtype(tensorflow::DT_INT32);
  t.mutable_tensor_shape()->mutable_dim(0)->set_size(2);
  EXPECT_FALSE(decode_float_tensor(t.SerializeAsString()));
}

class EventRunsFileTest : public ::testing::Test {
 protected:
  void write(const std::string& dir, double seconds, const std::vector<tensorflow::Event>& events) {
    auto writer = EventWriter::create(fs_, dir, "",
                                      {.clock = [seconds] { return seconds; }, .hostname = "h"});
    ASSERT_TRUE(writer.ok()) << writer.status().to_string();
    for (const auto& e : events) ASSERT_TRUE((*writer)->add_event(e).ok());
    ASSERT_TRUE((*writer)->close().ok());
  }

  std::vector<EventRun> runs(const std::string& logdir) {
    auto runs = read_event_runs(fs_, logdir);
    EXPECT_TRUE(runs.ok()) << runs.status().to_string();
    return runs.ok() ? *runs : std::vector<EventRun>{};
  }

  MemoryFileSystem fs_;
};

TEST_F(EventRunsFileTest, RunsAreFoundRecursivelyAndFilesReadInNameOrder) {
  write("/logs", 200, {start_event(3), scalar_event("loss", 3, 0.3f)});  // the resumed run
  write("/logs", 100, {scalar_event("loss", 1, 0.1f), scalar_event("loss", 3, 9.0f)});
  write("/logs/eval", 150, {scalar_event("accuracy", 3, 0.9f)});
  write("/logs/a b/c (d)", 150, {scalar_event("x", 0, 1.0f)});
  ASSERT_TRUE(fs_.create_directories("/logs/empty").ok());
  ASSERT_TRUE(fs_.create_directories("/logs/tfevents.dir").ok());  // a directory, not a file
  auto notes = fs_.new_writable_file("/logs/notes.txt");
  ASSERT_TRUE(notes.ok() && (*notes)->close().ok());

  auto found = runs("/logs");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].name, ".");
  EXPECT_EQ(found[1].name, "a b/c (d)");
  EXPECT_EQ(found[2].name, "eval");
  EXPECT_EQ(found[0].files, (std::vector<std::string>{"/logs/events.out.tfevents.0000000100.h",
                                                      "/logs/events.out.tfevents.0000000200.h"}));
  ASSERT_EQ(found[0].scalars.size(), 2u);
  EXPECT_EQ(found[0].scalars[1].value, 0.3f);  // the killed run's step 3 was purged
  EXPECT_EQ(steps_of(found[2], "accuracy"), (std::vector<int64_t>{3}));
}

TEST_F(EventRunsFileTest, OneEventFileIsOneRun) {
  write("/logs", 100, {scalar_event("loss", 1, 0.1f)});
  auto found = runs("/logs/events.out.tfevents.0000000100.h");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name, ".");
  EXPECT_EQ(found[0].scalars.size(), 1u);
}

TEST_F(EventRunsFileTest, MissingEmptyAndDamaged) {
  EXPECT_EQ(read_event_runs(fs_, "/nowhere").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(fs_.create_directories("/logs").ok());
  EXPECT_TRUE(runs("/logs").empty());
  auto file = fs_.new_writable_file("/logs/run/events.out.tfevents.1.h");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->append("not a record at all").ok());
  ASSERT_TRUE((*file)->close().ok());
  auto damaged = read_event_runs(fs_, "/logs");
  EXPECT_EQ(damaged.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(damaged.status().message().find("/logs/run/events.out.tfevents.1.h"), std::string::npos)
      << damaged.status().to_string();
}

// ---- TensorFlow-written log directories ---------------------------------

class EventRunsFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::fixtures_dir();
    if (!dir) GTEST_SKIP() << testing::kNoSharedMessage;
    dir_ = *dir;
  }

  std::vector<EventRun> runs(const std::string& relative) {
    auto runs = read_event_runs(default_file_system(), dir_ + "/" + relative);
    EXPECT_TRUE(runs.ok()) << runs.status().to_string();
    return runs.ok() ? *runs : std::vector<EventRun>{};
  }

  std::string dir_;
};

TEST_F(EventRunsFixtureTest, IrisEstimatorTrainAndEval) {
  auto found = runs("hishmad-iris-estimator/iris_model");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].name, ".");
  EXPECT_EQ(found[1].name, "eval");
  // The START at 6001 comes before every summary: nothing is purged.
  auto loss = steps_of(found[0], "loss");
  ASSERT_EQ(loss.size(), 20u);
  EXPECT_EQ(loss.front(), 6001);
  EXPECT_EQ(loss.back(), 7901);
  std::map<std::string, int> histograms;
  for (const HistogramEvent& h : found[0].histograms) {
    ++histograms[h.tag];
    EXPECT_GT(h.count, 0) << h.tag;
    EXPECT_LE(h.min, h.mean) << h.tag;
    EXPECT_LE(h.mean, h.max) << h.tag;
    double counted = 0;
    for (const auto& b : h.buckets) counted += b.count;
    EXPECT_EQ(counted, h.count) << h.tag;
  }
  EXPECT_EQ(histograms.size(), 4u);
  EXPECT_EQ(histograms["dnn/logits_activation"], 20);
  EXPECT_EQ(steps_of(found[1], "accuracy"), (std::vector<int64_t>{8000}));
}

TEST_F(EventRunsFixtureTest, KerasTrainAndValidationInDirectoriesWithSpaces) {
  auto found = runs("titanic-keras-tf21/logs");
  ASSERT_EQ(found.size(), 2u);
  const std::string run = "fit/lr=0.0001 dense (70, 25) drop (0.15, 0.2) 1587780173";
  EXPECT_EQ(found[0].name, run + "/train");
  EXPECT_EQ(found[1].name, run + "/validation");
  EXPECT_EQ(found[0].files.size(), 2u);  // the .v2 file and the profile-empty one
  EXPECT_EQ(steps_of(found[0], "epoch_loss").size(), 150u);
  EXPECT_EQ(steps_of(found[1], "epoch_accuracy").size(), 150u);
}

TEST_F(EventRunsFixtureTest, TensorFlow2ScalarsAndAGraphOnlyLog) {
  auto go = runs("go-tensorboard-tfevents");
  ASSERT_EQ(go.size(), 1u);
  EXPECT_EQ(go[0].name, "testdata/tfevents");
  EXPECT_EQ(steps_of(go[0], "my_metric").size(), 100u);
  auto james = runs("tf-guide-checkpoints-james/logs");
  ASSERT_EQ(james.size(), 1u);
  EXPECT_TRUE(james[0].scalars.empty());
  EXPECT_TRUE(james[0].histograms.empty());
}

}  // namespace
}  // namespace cairn
