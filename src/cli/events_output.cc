// How `cairn events` prints runs as CSV and JSON, and the grouping by tag
// every form shares (events_output.h).
#include "cli/events_output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <ostream>

#include "cli/shortest_text.h"

namespace cairn::cli {
namespace {

template <typename Point>
void add_series(const std::vector<Point>& points, bool histogram, std::vector<TagSeries>* out) {
  std::map<std::string, TagSeries> by_tag;
  for (size_t i = 0; i < points.size(); ++i) {
    TagSeries& s = by_tag[points[i].tag];
    const int64_t step = points[i].step;
    if (s.points.empty()) {
      s = {.tag = points[i].tag,
           .histogram = histogram,
           .points = {},
           .first_step = step,
           .last_step = step};
    }
    s.points.push_back(i);
    s.first_step = std::min(s.first_step, step);
    s.last_step = std::max(s.last_step, step);
  }
  for (auto& [tag, series] : by_tag) out->push_back(std::move(series));
}

// A field as RFC 4180 writes it: quoted when it holds a comma, a quote or a
// line break, its quotes doubled.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string wall_time_text(double wall_time) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6f", wall_time);
  return buf;
}

// A JSON number that prints as shortest_event_value() does (null for NaN and
// infinities, which JSON cannot spell).
ordered_json event_number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return std::strtod(shortest_event_value(value).c_str(), nullptr);
}

ordered_json histogram_json(const HistogramEvent& h) {
  ordered_json buckets = ordered_json::array();
  for (const HistogramEvent::Bucket& b : h.buckets) {
    buckets.push_back({event_number(b.left), event_number(b.right), b.count});
  }
  return {{"step", h.step},
          {"wall_time", h.wall_time},
          {"count", h.count},
          {"min", event_number(h.min)},
          {"max", event_number(h.max)},
          {"mean", h.mean},
          {"stddev", h.stddev},
          {"buckets", std::move(buckets)}};
}

ordered_json run_json(const EventRun& run) {
  ordered_json scalars = ordered_json::object();
  ordered_json histograms = ordered_json::object();
  for (const TagSeries& s : tag_series(run)) {
    ordered_json points = ordered_json::array();
    for (size_t i : s.points) {
      if (s.histogram) {
        points.push_back(histogram_json(run.histograms[i]));
      } else {
        const ScalarEvent& p = run.scalars[i];
        points.push_back(
            {{"step", p.step}, {"wall_time", p.wall_time}, {"value", event_number(p.value)}});
      }
    }
    (s.histogram ? histograms : scalars)[s.tag] = std::move(points);
  }
  return {{"name", run.name},
          {"files", run.files},
          {"scalars", std::move(scalars)},
          {"histograms", std::move(histograms)}};
}

}  // namespace

std::vector<TagSeries> tag_series(const EventRun& run) {
  std::vector<TagSeries> series;
  add_series(run.scalars, /*histogram=*/false, &series);
  add_series(run.histograms, /*histogram=*/true, &series);
  return series;
}

const char* kind_name(const TagSeries& series) { return series.histogram ? "histogram" : "scalar"; }

std::string utc_time_text(double wall_time) {
  const double seconds = std::floor(wall_time);
  const auto whole = static_cast<std::time_t>(seconds);
  std::tm utc{};
  if (!std::isfinite(wall_time) || gmtime_r(&whole, &utc) == nullptr) return "?";
  const int millis = std::min(999, static_cast<int>((wall_time - seconds) * 1000));
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return buf;
}

void print_events_csv(const std::vector<EventRun>& runs, std::ostream& out) {
  out << "run,tag,step,wall_time,value,kind,count,min,max,mean,stddev\n";
  for (const EventRun& run : runs) {
    for (const TagSeries& s : tag_series(run)) {
      const std::string prefix = csv_field(run.name) + "," + csv_field(s.tag) + ",";
      for (size_t i : s.points) {
        if (!s.histogram) {
          const ScalarEvent& p = run.scalars[i];
          out << prefix << p.step << "," << wall_time_text(p.wall_time) << ","
              << shortest_event_value(p.value) << ",scalar,,,,,\n";
          continue;
        }
        const HistogramEvent& h = run.histograms[i];
        out << prefix << h.step << "," << wall_time_text(h.wall_time) << ",,histogram,"
            << shortest_text(h.count) << "," << shortest_event_value(h.min) << ","
            << shortest_event_value(h.max) << "," << shortest_text(h.mean) << ","
            << shortest_text(h.stddev) << "\n";
      }
    }
  }
}

void print_tags_csv(const std::vector<EventRun>& runs, std::ostream& out) {
  out << "run,tag,kind,points,first_step,last_step\n";
  for (const EventRun& run : runs) {
    for (const TagSeries& s : tag_series(run)) {
      out << csv_field(run.name) << "," << csv_field(s.tag) << "," << kind_name(s) << ","
          << s.points.size() << "," << s.first_step << "," << s.last_step << "\n";
    }
  }
}

ordered_json events_json(const std::string& logdir, const std::vector<EventRun>& runs) {
  ordered_json list = ordered_json::array();
  for (const EventRun& run : runs) list.push_back(run_json(run));
  return {{"logdir", logdir}, {"runs", std::move(list)}};
}

ordered_json tags_json(const std::string& logdir, const std::vector<EventRun>& runs) {
  ordered_json list = ordered_json::array();
  for (const EventRun& run : runs) {
    ordered_json tags = ordered_json::array();
    for (const TagSeries& s : tag_series(run)) {
      tags.push_back({{"tag", s.tag},
                      {"kind", kind_name(s)},
                      {"points", s.points.size()},
                      {"first_step", s.first_step},
                      {"last_step", s.last_step}});
    }
    list.push_back({{"name", run.name}, {"tags", std::move(tags)}});
  }
  return {{"logdir", logdir}, {"runs", std::move(list)}};
}

}  // namespace cairn::cli
