// Writes TensorFlow event files (TensorFlow's core/util/events_writer.cc).
//
// Layout: a TFRecord file (framing in src/io/record_writer.cc) whose every
// record is one serialized tensorflow.Event (proto/cairn/proto/event.proto):
//   record 0   Event{wall_time: integral seconds, file_version: "brain.Event:2"}
//   record 1.. Event{wall_time, step (absent when 0), one of: summary,
//              graph_def, meta_graph_def, session_log, ...}
// Name: events.out.tfevents.<the seconds of record 0, %010lld>.<hostname><suffix>
#include "cairn/formats/events/event_writer.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "cairn/formats/events/summary_histogram.h"

namespace cairn {
namespace {

constexpr const char* kFileVersion = "brain.Event:2";

double system_clock_seconds() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since_epoch).count();
}

std::string local_hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::string event_file_name(long long seconds, const std::string& hostname,
                            const std::string& suffix) {
  char stamp[32];
  std::snprintf(stamp, sizeof(stamp), "%010lld", seconds);
  return "events.out.tfevents." + std::string(stamp) + "." + hostname + suffix;
}

}  // namespace

EventWriter::EventWriter(std::unique_ptr<RecordWriter> records, std::string path,
                         std::function<double()> clock)
    : records_(std::move(records)), path_(std::move(path)), clock_(std::move(clock)) {}

EventWriter::~EventWriter() = default;

Result<std::unique_ptr<EventWriter>> EventWriter::create(FileSystem& fs, const std::string& dir,
                                                         const std::string& filename_suffix,
                                                         EventWriterOptions options) {
  if (!options.clock) options.clock = system_clock_seconds;
  if (options.hostname.empty()) options.hostname = local_hostname();
  const auto seconds = static_cast<long long>(std::floor(options.clock()));
  CAIRN_RETURN_IF_ERROR(fs.create_directories(dir));
  std::string path = join_path(dir, event_file_name(seconds, options.hostname, filename_suffix));
  CAIRN_ASSIGN_OR_RETURN(auto records, RecordWriter::open_for_append(fs, path));
  std::unique_ptr<EventWriter> writer(
      new EventWriter(std::move(records), std::move(path), std::move(options.clock)));
  tensorflow::Event first;
  first.set_wall_time(static_cast<double>(seconds));
  first.set_file_version(kFileVersion);
  CAIRN_RETURN_IF_ERROR(writer->write(first));
  CAIRN_RETURN_IF_ERROR(writer->flush());
  return writer;
}

tensorflow::Event EventWriter::new_event(int64_t step) const {
  tensorflow::Event event;
  event.set_wall_time(clock_());
  event.set_step(step);
  return event;
}

Status EventWriter::write(const tensorflow::Event& event) {
  std::string bytes;
  if (!event.SerializeToString(&bytes)) {
    return internal_error(path_ + ": cannot serialize an Event proto");
  }
  return records_->write_record(bytes);
}

Status EventWriter::add_scalar(std::string_view tag, float value, int64_t step) {
  tensorflow::Event event = new_event(step);
  tensorflow::Summary::Value* v = event.mutable_summary()->add_value();
  v->set_tag(std::string(tag));
  v->set_simple_value(value);
  return write(event);
}

Status EventWriter::add_histogram(std::string_view tag, const std::vector<double>& values,
                                  int64_t step) {
  return add_histogram_proto(tag, make_histogram(values), step);
}

Status EventWriter::add_histogram(std::string_view tag, const Tensor& values, int64_t step) {
  return add_histogram_proto(tag, make_histogram(values), step);
}

Status EventWriter::add_histogram_proto(std::string_view tag,
                                        Result<tensorflow::HistogramProto> histo, int64_t step) {
  if (!histo.ok()) return histo.status().with_context(std::string(tag));
  tensorflow::Event event = new_event(step);
  tensorflow::Summary::Value* v = event.mutable_summary()->add_value();
  v->set_tag(std::string(tag));
  *v->mutable_histo() = std::move(*histo);
  return write(event);
}

Status EventWriter::add_graph(std::string_view serialized_graph_def, int64_t step) {
  tensorflow::Event event = new_event(step);
  event.set_graph_def(std::string(serialized_graph_def));
  return write(event);
}

Status EventWriter::add_meta_graph(std::string_view serialized_meta_graph_def) {
  tensorflow::Event event = new_event(0);
  event.set_meta_graph_def(std::string(serialized_meta_graph_def));
  return write(event);
}

Status EventWriter::add_session_log(SessionLogStatus status, int64_t step,
                                    std::string_view checkpoint_path) {
  tensorflow::Event event = new_event(step);
  tensorflow::SessionLog* log = event.mutable_session_log();
  log->set_status(static_cast<tensorflow::SessionLog::SessionStatus>(status));
  log->set_checkpoint_path(std::string(checkpoint_path));
  return write(event);
}

Status EventWriter::add_event(const tensorflow::Event& event) {
  if (event.wall_time() != 0) return write(event);
  tensorflow::Event stamped = event;
  stamped.set_wall_time(clock_());
  return write(stamped);
}

Status EventWriter::flush() { return records_->sync(); }

Status EventWriter::close() {
  CAIRN_RETURN_IF_ERROR(flush());
  return records_->close();
}

}  // namespace cairn
