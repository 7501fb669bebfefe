// Test-only: the files of a FileSystem as a map (to compare what a run left
// with what was there before), and a sweep that makes one kind of disk fault
// strike a whole run at every position it can.
//
//   Files before = files_under(memory, "/m");
//   int64_t positions = inject_at_every_position(before, Fault::kNoSpace,
//       [&](FileSystem& fs) { train(fs); },
//       [&](const FaultOutcome& o) { EXPECT_NE(o.error.find("/m/"), std::string::npos); });
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "cairn/core/errors.h"
#include "cairn/io/fault_injecting_file_system.h"
#include "cairn/io/memory_file_system.h"

namespace cairn::testing {

// Path -> bytes of every file.
using Files = std::map<std::string, std::string>;

// Every file under `dir`, recursively (hidden ones too).
inline Files files_under(FileSystem& fs, const std::string& dir) {
  Files files;
  for (const std::string& name : value_or_throw(fs.list_directory(dir))) {
    const std::string path = join_path(dir, name);
    if (fs.is_directory(path)) {
      files.merge(files_under(fs, path));
    } else {
      files[path] = value_or_throw(fs.read_file(path));
    }
  }
  return files;
}

inline void write_files(FileSystem& fs, const Files& files) {
  for (const auto& [path, bytes] : files) {
    throw_if_error(fs.create_directories(dirname(path)));
    auto file = value_or_throw(fs.new_writable_file(path));
    throw_if_error(file->append(bytes));
    throw_if_error(file->close());
  }
}

inline const char* fault_name(Fault fault) {
  switch (fault) {
    case Fault::kNoSpace:
      return "no space (ENOSPC) at append";
    case Fault::kShortWrite:
      return "short write, then ENOSPC";
    case Fault::kSyncError:
      return "failed fsync";
    case Fault::kRenameError:
      return "failed rename";
  }
  return "?";
}

struct FaultOutcome {
  Fault fault;
  int64_t at;                // the position struck, from 0
  std::string error;         // what the run threw
  MemoryFileSystem& memory;  // the files the run left
};

// Runs `run` once on a copy of `start` without faults to count the
// operations `fault` strikes, then once more for each position k of them on
// a fresh copy of `start` with the fault injected at k, and hands what each
// run threw to `check`. A fault that fires without the run failing is a test
// failure. Returns the number of positions.
inline int64_t inject_at_every_position(const Files& start, Fault fault,
                                        const std::function<void(FileSystem&)>& run,
                                        const std::function<void(const FaultOutcome&)>& check) {
  int64_t positions = 0;
  {
    MemoryFileSystem memory;
    write_files(memory, start);
    FaultInjectingFileSystem fs(memory);
    fs.clear();
    run(fs);
    positions = fs.count(fault);
  }
  for (int64_t at = 0; at < positions; ++at) {
    MemoryFileSystem memory;
    write_files(memory, start);
    FaultInjectingFileSystem fs(memory);
    fs.inject(fault, at);
    std::string error;
    try {
      run(fs);
    } catch (const Error& e) {
      error = e.what();
    }
    EXPECT_TRUE(fs.fired()) << fault_name(fault) << " at " << at << " never struck";
    if (error.empty()) {
      ADD_FAILURE() << fault_name(fault) << " at " << at << " went unreported";
      continue;
    }
    check({fault, at, error, memory});
  }
  return positions;
}

}  // namespace cairn::testing
