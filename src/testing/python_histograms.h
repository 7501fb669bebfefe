// Test-only: the HistogramProto summaries of event files as an independent
// reader sees them (/usr/bin/python3, python3-protobuf and our .proto files
// compiled by protoc), to check what cairn's EventWriter wrote.
//
//   auto histos = cairn::testing::python_histograms({path}, scratch_dir);
//   if (!histos) GTEST_SKIP() << cairn::testing::python_protos_unavailable();
//   (*histos)[{"dense/kernel_0", 2}].num;
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "testing/test_util.h"

namespace cairn::testing {

struct PythonHistogram {
  double num = 0, min = 0, max = 0, sum = 0;
};

// Reads the TFRecord framing (8-byte length, 4-byte crc, data, 4-byte crc)
// and prints each histo value as JSON [tag, step, num, min, max, sum].
inline constexpr const char* kPythonHistogramScript = R"(
import json, struct, sys
sys.path.insert(0, sys.argv[1])
from cairn.proto import event_pb2
rows = []
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    pos = 0
    while pos < len(data):
        (length,) = struct.unpack_from("<Q", data, pos)
        event = event_pb2.Event()
        event.ParseFromString(data[pos + 12:pos + 12 + length])
        pos += 16 + length
        for v in event.summary.value:
            if v.HasField("histo"):
                h = v.histo
                rows.append([v.tag, event.step, h.num, h.min, h.max, h.sum])
print(json.dumps(rows))
)";

// By (tag, step); nullopt when python3-protobuf or protoc is missing.
inline std::optional<std::map<std::pair<std::string, int64_t>, PythonHistogram>> python_histograms(
    const std::vector<std::string>& event_files, const std::string& scratch_dir) {
  if (!python_protos_unavailable().empty()) return std::nullopt;
  auto gen = compile_python_protos(scratch_dir + "/py");
  EXPECT_EQ(gen.exit_code, 0) << gen.err;
  std::string command = "/usr/bin/python3 -c " + shell_quote(kPythonHistogramScript) + " " +
                        shell_quote(scratch_dir + "/py");
  for (const std::string& file : event_files) command += " " + shell_quote(file);
  auto run = run_command(command);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::map<std::pair<std::string, int64_t>, PythonHistogram> out;
  if (run.exit_code != 0) return out;
  for (const auto& row : nlohmann::json::parse(run.out)) {
    out[{row[0].get<std::string>(), row[1].get<int64_t>()}] = {
        row[2].get<double>(), row[3].get<double>(), row[4].get<double>(), row[5].get<double>()};
  }
  return out;
}

}  // namespace cairn::testing
