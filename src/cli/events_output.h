// How `cairn events` prints runs (events_command.h): the points of each run
// grouped by tag, as text, CSV or JSON.
//
//   for (const TagSeries& s : tag_series(run)) print(s.tag, s.kind, s.points.size());
//   print_events_csv(runs, std::cout);
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "cairn/formats/events/event_runs.h"
#include "cli/json_tensor.h"

namespace cairn::cli {

// The points of one tag of one kind in a run.
struct TagSeries {
  std::string tag;
  bool histogram = false;      // kind: "histogram", else "scalar"
  std::vector<size_t> points;  // indices into run.scalars or run.histograms, in file order
  int64_t first_step = 0;      // smallest step
  int64_t last_step = 0;       // largest step
};

// The scalar tags of `run` in name order, then its histogram tags.
std::vector<TagSeries> tag_series(const EventRun& run);

const char* kind_name(const TagSeries& series);

// Seconds since the epoch as "2017-07-04T15:48:15.123Z" (UTC).
std::string utc_time_text(double wall_time);

// CSV, header first: run,tag,step,wall_time,value,kind,count,min,max,mean,stddev.
// A scalar row leaves count..stddev empty; a histogram row leaves value
// empty. Fields are quoted as RFC 4180 needs (run names may hold commas).
void print_events_csv(const std::vector<EventRun>& runs, std::ostream& out);
// CSV: run,tag,kind,points,first_step,last_step.
void print_tags_csv(const std::vector<EventRun>& runs, std::ostream& out);

// {"logdir", "runs": [{"name", "files", "scalars": {tag: [{step, wall_time,
// value}]}, "histograms": {tag: [{step, wall_time, count, min, max, mean,
// stddev, buckets: [[left, right, count]]}]}}]}
ordered_json events_json(const std::string& logdir, const std::vector<EventRun>& runs);
// {"logdir", "runs": [{"name", "tags": [{tag, kind, points, first_step, last_step}]}]}
ordered_json tags_json(const std::string& logdir, const std::vector<EventRun>& runs);

}  // namespace cairn::cli
