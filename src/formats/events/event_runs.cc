// The runs of a log directory (event_runs.h): discovery through the
// FileSystem, then each run's events fed in order to a RunBuilder, which
// applies TensorBoard's purge of orphaned data (a SessionLog START at step n
// drops the points before it whose step is >= n) and summarises histograms.
//
// Histogram spellings:
//   Summary.Value.histo    HistogramProto: min, max, num, sum, sum_squares,
//                          bucket_limit[i] (the right edge of bucket i; the
//                          left edge is bucket_limit[i-1]), bucket[i] (count)
//   Summary.Value.tensor   with metadata.plugin_data.plugin_name "histograms":
//                          a [k, 3] float/double tensor, rows (left, right, count)
#include "cairn/formats/events/event_runs.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace cairn {
namespace {

constexpr const char* kHistogramsPlugin = "histograms";

using HistogramBucket = HistogramEvent::Bucket;

// count, min, max, mean and stddev of `h` from the moments given.
void set_moments(double count, double sum, double sum_squares, HistogramEvent* h) {
  h->count = count;
  if (count <= 0) return;
  h->mean = sum / count;
  h->stddev = std::sqrt(std::max(0.0, sum_squares / count - h->mean * h->mean));
}

HistogramEvent from_histogram_proto(const tensorflow::HistogramProto& proto) {
  HistogramEvent h;
  set_moments(proto.num(), proto.sum(), proto.sum_squares(), &h);
  if (proto.num() <= 0) return h;
  h.min = proto.min();
  h.max = proto.max();
  const int n = std::min(proto.bucket_limit_size(), proto.bucket_size());
  for (int i = 0; i < n; ++i) {
    if (proto.bucket(i) <= 0) continue;
    const double left = i == 0 ? h.min : proto.bucket_limit(i - 1);
    h.buckets.push_back({.left = std::clamp(left, h.min, std::max(h.min, h.max)),
                         .right = std::clamp(proto.bucket_limit(i), h.min, std::max(h.min, h.max)),
                         .count = proto.bucket(i)});
  }
  return h;
}

// The histogram in a [k, 3] tensor of (left, right, count) rows; nullopt if
// `tensor` is not one.
std::optional<HistogramEvent> from_histogram_tensor(std::string_view tensor) {
  std::optional<FloatTensor> t = decode_float_tensor(tensor);
  if (!t || t->shape.size() != 2 || t->shape[1] != 3) return std::nullopt;
  HistogramEvent h;
  double count = 0, sum = 0, sum_squares = 0;
  for (size_t row = 0; row + 3 <= t->values.size(); row += 3) {
    const HistogramBucket b{
        .left = t->values[row], .right = t->values[row + 1], .count = t->values[row + 2]};
    if (!(b.count > 0)) continue;
    const double middle = (b.left + b.right) / 2;
    count += b.count;
    sum += b.count * middle;
    sum_squares += b.count * middle * middle;
    h.buckets.push_back(b);
  }
  set_moments(count, sum, sum_squares, &h);
  if (!h.buckets.empty()) {
    h.min = h.buckets.front().left;
    h.max = h.buckets.back().right;
  }
  return h;
}

std::optional<HistogramEvent> histogram_of(const tensorflow::Summary::Value& v) {
  if (v.has_histo()) return from_histogram_proto(v.histo());
  if (v.has_tensor() && v.metadata().plugin_data().plugin_name() == kHistogramsPlugin) {
    return from_histogram_tensor(v.tensor());
  }
  return std::nullopt;
}

// Builds one run from its events, fed in order.
class RunBuilder {
 public:
  explicit RunBuilder(EventRun* run) : run_(run) {}

  void add(const tensorflow::Event& event) {
    if (event.has_session_log() && event.session_log().status() == tensorflow::SessionLog::START) {
      purge_from(event.step());
    }
    append_scalars(event, &run_->scalars);
    for (const tensorflow::Summary::Value& v : event.summary().value()) {
      std::optional<HistogramEvent> h = histogram_of(v);
      if (!h) continue;
      h->tag = v.tag();
      h->step = event.step();
      h->wall_time = event.wall_time();
      run_->histograms.push_back(std::move(*h));
    }
  }

 private:
  // TensorBoard's purge_orphaned_data: what a restart at `step` rewrites.
  void purge_from(int64_t step) {
    std::erase_if(run_->scalars, [step](const ScalarEvent& s) { return s.step >= step; });
    std::erase_if(run_->histograms, [step](const HistogramEvent& h) { return h.step >= step; });
  }

  EventRun* run_;
};

bool is_event_file_name(const std::string& name) {
  return name.find("tfevents") != std::string::npos;
}

std::string child_run_name(const std::string& run, const std::string& name) {
  return run == "." ? name : run + "/" + name;
}

// Adds the event files under `dir` (the run `run`) to `runs`, recursively.
Status find_event_files(FileSystem& fs, const std::string& dir, const std::string& run,
                        std::map<std::string, std::vector<std::string>>* runs) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.list_directory(dir));
  for (const std::string& name : names) {  // sorted: files in name order
    const std::string path = join_path(dir, name);
    CAIRN_ASSIGN_OR_RETURN(FileType type, fs.file_type(path));
    if (type == FileType::kDirectory) {
      CAIRN_RETURN_IF_ERROR(find_event_files(fs, path, child_run_name(run, name), runs));
    } else if (is_event_file_name(name) &&
               (type == FileType::kRegular ||
                (type == FileType::kSymlink && !fs.is_directory(path)))) {
      (*runs)[run].push_back(path);
    }
  }
  return ok_status();
}

Result<EventRun> read_run(FileSystem& fs, std::string name, std::vector<std::string> files) {
  EventRun run{.name = std::move(name), .files = std::move(files), .scalars = {}, .histograms = {}};
  RunBuilder builder(&run);
  for (const std::string& file : run.files) {
    CAIRN_ASSIGN_OR_RETURN(std::vector<tensorflow::Event> events, read_events(fs, file));
    for (const tensorflow::Event& event : events) builder.add(event);
  }
  return run;
}

}  // namespace

EventRun summarize_run(std::string name, std::vector<std::string> files,
                       const std::vector<tensorflow::Event>& events) {
  EventRun run{.name = std::move(name), .files = std::move(files), .scalars = {}, .histograms = {}};
  RunBuilder builder(&run);
  for (const tensorflow::Event& event : events) builder.add(event);
  return run;
}

Result<std::vector<EventRun>> read_event_runs(FileSystem& fs, const std::string& logdir) {
  CAIRN_ASSIGN_OR_RETURN(FileType type, fs.file_type(logdir));
  if (type == FileType::kMissing) {
    return not_found_error(logdir + ": no such log directory or event file");
  }
  std::map<std::string, std::vector<std::string>> files;  // by run name, so sorted
  if (fs.is_directory(logdir)) {
    CAIRN_RETURN_IF_ERROR(find_event_files(fs, logdir, ".", &files));
  } else {
    files["."].push_back(logdir);
  }
  std::vector<EventRun> runs;
  for (auto& [name, paths] : files) {
    CAIRN_ASSIGN_OR_RETURN(EventRun run, read_run(fs, name, std::move(paths)));
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace cairn
