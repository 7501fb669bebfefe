#include "cli/verify.h"

#include <ostream>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/verify.h"
#include "cli/guarded.h"
#include "cli/progress_output.h"

namespace cairn::cli {

int run_verify(const VerifyCommand& cmd, std::ostream& out, std::ostream& err) {
  const std::string& path = cmd.path;
  std::vector<CheckpointHealth> results;
  const int status = guarded("verify", err, [&] {
    FileSystem& fs = default_file_system();
    std::unique_ptr<ProgressBar> bar = command_progress(err, "verify", cmd.no_progress);
    if (fs.is_directory(path)) {
      results = verify_directory(path, fs, bar.get());
      if (results.empty()) throw NotFoundError("no checkpoint in directory " + path);
    } else {
      results.push_back(verify_checkpoint(resolve_checkpoint(path, fs), fs, bar.get()));
    }
    if (bar) bar->finish();
  });
  if (status != 0) return status;
  bool all_ok = true;
  for (const CheckpointHealth& h : results) {
    if (h.ok) {
      out << "ok       " << h.prefix << " (" << h.tensors << " tensors, " << h.bytes << " bytes)\n";
    } else if (h.orphan) {
      out << "orphan   " << h.prefix << ": " << h.problem << " (harmless: no restore uses it)\n";
    } else {
      out << "DAMAGED  " << h.prefix << ": " << h.problem << "\n";
      all_ok = false;
    }
  }
  return all_ok ? 0 : 1;
}

}  // namespace cairn::cli
