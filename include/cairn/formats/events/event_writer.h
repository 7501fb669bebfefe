// EventWriter: writes a TensorFlow event file (events.out.tfevents.*), the
// log that TensorBoard reads: scalars, histograms, the graph and session
// markers, one Event proto per TFRecord.
//
//   CAIRN_ASSIGN_OR_RETURN(auto events, cairn::EventWriter::create(fs, "models/iris"));
//   CAIRN_RETURN_IF_ERROR(events->add_scalar("loss", 0.25f, /*step=*/100));
//   CAIRN_RETURN_IF_ERROR(events->add_histogram("dnn/logits_activation", logits, 100));
//   CAIRN_RETURN_IF_ERROR(events->flush());   // durable; TensorBoard sees it
//
// The file is "<dir>/events.out.tfevents.<seconds, 10 digits>.<hostname><suffix>",
// as TensorFlow 1.x names it; its first record is the Event
// {wall_time: <those seconds>, file_version: "brain.Event:2"}. Scalars are
// written as simple_value, as TF 1.x estimators do. Each add_* appends one
// record; flush() makes what was added durable. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"
#include "cairn/io/record_writer.h"
#include "cairn/proto/event.pb.h"

namespace cairn {

// SessionLog.status values (TensorFlow's SessionLog.SessionStatus).
enum class SessionLogStatus : int { kStart = 1, kStop = 2, kCheckpoint = 3 };

struct EventWriterOptions {
  // Seconds since the Unix epoch, for wall_time and the file name.
  // Default (empty): std::chrono::system_clock.
  std::function<double()> clock;
  // The host name in the file name. Default (empty): gethostname().
  std::string hostname;
};

class EventWriter {
 public:
  // Creates `dir` if needed and starts a new event file in it. `fs` is
  // borrowed and must outlive the writer. If a file of the same name exists
  // (a writer started in the same second), it is appended to, not replaced.
  static Result<std::unique_ptr<EventWriter>> create(FileSystem& fs, const std::string& dir,
                                                     const std::string& filename_suffix = "",
                                                     EventWriterOptions options = {});
  ~EventWriter();
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // Summary.Value{tag, simple_value} at `step`.
  Status add_scalar(std::string_view tag, float value, int64_t step);
  // Summary.Value{tag, histo} with TensorFlow's default buckets
  // (summary_histogram.h). INVALID_ARGUMENT if a value is NaN or infinite.
  Status add_histogram(std::string_view tag, const std::vector<double>& values, int64_t step);
  // The same for a numeric tensor's elements, e.g. a variable's weights
  // (make_histogram(const Tensor&)).
  Status add_histogram(std::string_view tag, const Tensor& values, int64_t step);
  // Event.graph_def: a serialized GraphDef, stored as given.
  Status add_graph(std::string_view serialized_graph_def, int64_t step = 0);
  // Event.meta_graph_def: a serialized MetaGraphDef, stored as given.
  Status add_meta_graph(std::string_view serialized_meta_graph_def);
  // Event.session_log; `checkpoint_path` for kCheckpoint.
  Status add_session_log(SessionLogStatus status, int64_t step,
                         std::string_view checkpoint_path = "");
  // Any other event, written as given except that a zero wall_time is set
  // from the clock.
  Status add_event(const tensorflow::Event& event);

  // Flushes and syncs what was added, so it survives a crash.
  Status flush();
  // Flushes, syncs and closes the file; later add_* calls fail. The
  // destructor closes without syncing.
  Status close();

  // The event file's path.
  const std::string& path() const { return path_; }

 private:
  EventWriter(std::unique_ptr<RecordWriter> records, std::string path,
              std::function<double()> clock);
  Status write(const tensorflow::Event& event);
  Status add_histogram_proto(std::string_view tag, Result<tensorflow::HistogramProto> histo,
                             int64_t step);
  tensorflow::Event new_event(int64_t step) const;

  std::unique_ptr<RecordWriter> records_;
  std::string path_;
  std::function<double()> clock_;
};

}  // namespace cairn
