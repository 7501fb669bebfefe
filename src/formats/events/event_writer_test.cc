// EventWriter and the event reader: round trips through MemoryFileSystem,
// the file name and first record TensorFlow writes. Files TensorFlow wrote,
// and ours read by an independent reader: event_fixtures_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <map>

#include "cairn/formats/events/event_reader.h"
#include "cairn/formats/events/event_writer.h"
#include "cairn/formats/events/summary_histogram.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/io/record_writer.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

constexpr double kStart = 1499183295.75;  // a fixed clock: seconds since the epoch

class EventWriterTest : public ::testing::Test {
 protected:
  std::unique_ptr<EventWriter> make_writer(const std::string& suffix = "") {
    auto writer = EventWriter::create(fs_, "/logs/run", suffix, options());
    EXPECT_TRUE(writer.ok()) << writer.status().to_string();
    return writer.ok() ? std::move(*writer) : nullptr;
  }

  EventWriterOptions options() {
    return {.clock = [this] { return now_; }, .hostname = "testhost"};
  }

  std::vector<tensorflow::Event> events_of(const EventWriter& writer) {
    auto events = read_events(fs_, writer.path());
    EXPECT_TRUE(events.ok()) << events.status().to_string();
    return events.ok() ? *events : std::vector<tensorflow::Event>{};
  }

  MemoryFileSystem fs_;
  double now_ = kStart;
};

TEST_F(EventWriterTest, FileNameIsTensorFlows) {
  auto writer = make_writer(".v2");
  ASSERT_TRUE(writer);
  EXPECT_EQ(writer->path(), "/logs/run/events.out.tfevents.1499183295.testhost.v2");
  EXPECT_TRUE(fs_.file_exists(writer->path()));
}

TEST_F(EventWriterTest, SecondsArePaddedToTenDigits) {
  now_ = 12.9;
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  EXPECT_EQ(writer->path(), "/logs/run/events.out.tfevents.0000000012.testhost");
}

TEST_F(EventWriterTest, DefaultsUseSystemClockAndHostName) {
  auto writer = EventWriter::create(fs_, "/logs/default");
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  const std::string prefix = "/logs/default/events.out.tfevents.";
  const std::string& path = (*writer)->path();
  ASSERT_EQ(path.substr(0, prefix.size()), prefix) << path;
  const std::string stamp = path.substr(prefix.size(), 10);
  EXPECT_TRUE(std::all_of(stamp.begin(), stamp.end(), [](char c) { return c >= '0' && c <= '9'; }));
  EXPECT_GT(std::stoll(stamp), 1600000000) << path;  // after 2020
  ASSERT_GT(path.size(), prefix.size() + 11) << path;
  EXPECT_EQ(path[prefix.size() + 10], '.') << path;  // then the host name
}

TEST_F(EventWriterTest, FirstRecordIsFileVersionWithIntegralWallTime) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  auto events = events_of(*writer);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  EXPECT_EQ(events[0].wall_time(), 1499183295.0);
  EXPECT_EQ(events[0].step(), 0);
}

TEST_F(EventWriterTest, EveryKindOfEventRoundTrips) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  now_ = kStart + 1;
  ASSERT_TRUE(writer->add_graph("graph bytes\0", 0).ok());
  ASSERT_TRUE(writer->add_meta_graph("meta graph bytes").ok());
  ASSERT_TRUE(writer->add_session_log(SessionLogStatus::kStart, 5).ok());
  ASSERT_TRUE(writer->add_scalar("loss", 0.25f, 100).ok());
  ASSERT_TRUE(writer->add_histogram("weights", {-1.0, 0.0, 0.5, 2.0}, 100).ok());
  ASSERT_TRUE(
      writer->add_session_log(SessionLogStatus::kCheckpoint, 100, "/m/model.ckpt-100").ok());
  tensorflow::Event custom;
  custom.set_step(7);
  custom.mutable_summary()->add_value()->set_tag("no value");
  ASSERT_TRUE(writer->add_event(custom).ok());
  ASSERT_TRUE(writer->flush().ok());

  auto events = events_of(*writer);
  ASSERT_EQ(events.size(), 8u);
  EXPECT_EQ(events[1].graph_def(), "graph bytes");
  EXPECT_EQ(events[2].meta_graph_def(), "meta graph bytes");
  EXPECT_EQ(events[3].session_log().status(), tensorflow::SessionLog::START);
  EXPECT_EQ(events[3].step(), 5);
  EXPECT_EQ(events[4].summary().value(0).tag(), "loss");
  EXPECT_EQ(events[4].summary().value(0).simple_value(), 0.25f);
  EXPECT_EQ(events[4].step(), 100);
  EXPECT_EQ(events[5].summary().value(0).histo().num(), 4);
  EXPECT_EQ(events[6].session_log().status(), tensorflow::SessionLog::CHECKPOINT);
  EXPECT_EQ(events[6].session_log().checkpoint_path(), "/m/model.ckpt-100");
  EXPECT_EQ(events[7].step(), 7);
  EXPECT_EQ(events[7].summary().value(0).value_case(), tensorflow::Summary::Value::VALUE_NOT_SET);
  for (size_t i = 1; i < events.size(); ++i) EXPECT_EQ(events[i].wall_time(), kStart + 1) << i;
}

TEST_F(EventWriterTest, ScalarsAreListedInOrder) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  for (int step = 0; step < 5; ++step) {
    ASSERT_TRUE(writer->add_scalar("loss", 1.0f / static_cast<float>(step + 1), step).ok());
    ASSERT_TRUE(writer->add_scalar("accuracy", 0.1f * static_cast<float>(step), step).ok());
  }
  auto scalars = read_scalars(fs_, writer->path());
  ASSERT_TRUE(scalars.ok());
  ASSERT_EQ(scalars->size(), 10u);
  EXPECT_EQ((*scalars)[4].tag, "loss");
  EXPECT_EQ((*scalars)[4].step, 2);
  EXPECT_EQ((*scalars)[4].value, static_cast<double>(1.0f / 3.0f));
  EXPECT_EQ((*scalars)[9].tag, "accuracy");
  EXPECT_EQ((*scalars)[9].value, static_cast<double>(0.4f));
}

TEST_F(EventWriterTest, WriterStartedInTheSameSecondAppends) {
  auto first = make_writer();
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->add_scalar("loss", 1.0f, 1).ok());
  ASSERT_TRUE(first->close().ok());
  auto second = make_writer();
  ASSERT_TRUE(second);
  ASSERT_EQ(second->path(), first->path());
  ASSERT_TRUE(second->add_scalar("loss", 0.5f, 2).ok());
  auto events = events_of(*second);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2].file_version(), "brain.Event:2");
}

TEST_F(EventWriterTest, ClosedWriterRefusesEvents) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->close().ok());
  EXPECT_FALSE(writer->add_scalar("loss", 1.0f, 1).ok());
}

TEST_F(EventWriterTest, NonFiniteHistogramIsInvalidArgument) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  Status status = writer->add_histogram("w", {1.0, std::nan("")}, 1);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("w: "), std::string::npos) << status.message();
  EXPECT_EQ(events_of(*writer).size(), 1u);
}

TEST_F(EventWriterTest, CorruptOrForeignRecordIsDataLoss) {
  auto writer = make_writer();
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->add_scalar("loss", 1.0f, 1).ok());
  std::string& bytes = *fs_.mutable_contents(writer->path());
  const std::string pristine = bytes;
  bytes[bytes.size() - 6] ^= 0x20;
  EXPECT_EQ(read_events(fs_, writer->path()).status().code(), StatusCode::kDataLoss);
  bytes = pristine;
  append_framed_record(&bytes, "\xff\xff not a proto");
  auto foreign = read_events(fs_, writer->path());
  EXPECT_EQ(foreign.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(foreign.status().message().find("is not an Event proto"), std::string::npos);
}

TEST(EventScalarTensorTest, DecodesFloatAndDoubleScalarsOnly) {
  // TensorProto{dtype: DT_FLOAT, tensor_shape: {}, tensor_content: 1.5f}
  std::string f32("\x08\x01\x12\x00\x22\x04\x00\x00\xc0\x3f", 10);
  EXPECT_EQ(decode_scalar_tensor(f32), 1.5);
  // TensorProto{dtype: DT_FLOAT, float_val: [0.25]} (packed)
  std::string packed("\x08\x01\x2a\x04\x00\x00\x80\x3e", 8);
  EXPECT_EQ(decode_scalar_tensor(packed), 0.25);
  // DT_DOUBLE, double_val [2.0]
  std::string f64("\x08\x02\x32\x08\x00\x00\x00\x00\x00\x00\x00\x40", 12);
  EXPECT_EQ(decode_scalar_tensor(f64), 2.0);
  // DT_STRING scalar, and a float of shape [1]
  EXPECT_FALSE(decode_scalar_tensor(std::string("\x08\x07\x42\x01x", 5)));
  EXPECT_FALSE(decode_scalar_tensor(
      std::string("\x08\x01\x12\x04\x12\x02\x08\x01\x2a\x04\x00\x00\x80\x3e", 14)));
  EXPECT_FALSE(decode_scalar_tensor("\xff\xff\xff"));
}

// ---- Event files written by TensorFlow and Keras -------------------------

}  // namespace
}  // namespace cairn
