// The runs of a log directory, as TensorBoard loads them: every directory
// under LOGDIR that holds event files is one run (named by its path relative
// to LOGDIR, "." for LOGDIR itself), and its files are read in name order
// (their names start with the creation time) as one stream of events.
//
//   CAIRN_ASSIGN_OR_RETURN(std::vector<cairn::EventRun> runs,
//                          cairn::read_event_runs(fs, "models/iris"));
//   for (const cairn::EventRun& run : runs)        // ".", "eval"
//     for (const cairn::ScalarEvent& s : run.scalars) print(run.name, s.tag, s.step, s.value);
//
// As TensorBoard does (purge_orphaned_data), a SessionLog START at step n
// (written when training starts or resumes) drops the run's earlier points
// whose step is >= n: a run that was killed and resumed from an older
// checkpoint shows each step once, from the run that survived.
//
// Histograms are read from both spellings: a HistogramProto (Summary.Value.
// histo: TF 1.x, Keras, cairn) and TF 2.x's tensor form (plugin "histograms":
// a [k, 3] float/double tensor of (left edge, right edge, count) rows). A
// HistogramProto keeps exact count, min, max, sum and sum of squares; the
// tensor form keeps only its buckets, so its min and max are the outer edges
// of its non-empty buckets and its mean and stddev are computed from the
// bucket midpoints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/formats/events/event_reader.h"
#include "cairn/io/file_system.h"

namespace cairn {

// One histogram of a run, summarised.
struct HistogramEvent {
  std::string tag;
  int64_t step = 0;
  double wall_time = 0;
  double count = 0;  // values counted
  double min = 0, max = 0, mean = 0, stddev = 0;
  // The non-empty buckets: (left edge, right edge, count), ascending. A
  // HistogramProto's edges are clamped to [min, max] (its outer limits are
  // +-DBL_MAX), as TensorBoard draws them.
  struct Bucket {
    double left = 0, right = 0, count = 0;
  };
  std::vector<Bucket> buckets;
};

struct EventRun {
  std::string name;                        // relative to the log directory; "." for itself
  std::vector<std::string> files;          // the event files read, in reading order
  std::vector<ScalarEvent> scalars;        // in file order, after the purge above
  std::vector<HistogramEvent> histograms;  // likewise
};

// Every run under `logdir` (searched recursively), sorted by name. A file
// is an event file when its name contains "tfevents" (TensorBoard's rule);
// a damaged one gives DATA_LOSS naming it. Symbolic links to files are read;
// symbolic links to directories are not followed (no cycles). `logdir` may
// also be one event file: one run ".". NOT_FOUND if `logdir` does not exist;
// an empty vector if it holds no event file.
Result<std::vector<EventRun>> read_event_runs(FileSystem& fs, const std::string& logdir);

// The run of one already-read event stream, in order (tests, and
// read_event_runs).
EventRun summarize_run(std::string name, std::vector<std::string> files,
                       const std::vector<tensorflow::Event>& events);

}  // namespace cairn
