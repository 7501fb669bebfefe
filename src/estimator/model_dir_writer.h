// Internal to the estimator layer: the files a train() call writes into
// model_dir besides checkpoints: graph.pbtxt, the MetaGraphDef saved beside
// each checkpoint, and the event file, which starts with the graph and a
// SessionLog START at the first step this call trains (the restored global
// step + 1, where TensorFlow's SummarySaverHook puts it), so TensorBoard
// drops the points a killed run wrote past the checkpoint this call resumes
// from. In a group of ranks, rank 0 alone has one.
#pragma once

#include <memory>
#include <string>

#include "cairn/formats/events/event_writer.h"
#include "estimator/model_graph.h"
#include "estimator/session.h"

namespace cairn::estimator::internal {

struct ModelDirWriter {
  // Writes graph.pbtxt and starts the event file.
  ModelDirWriter(const ModelDefinition& definition, Session& session, const std::string& dir,
                 FileSystem& file_system);
  // Writes PREFIX.meta.
  void write_meta(const std::string& prefix) const;

  FileSystem& fs;
  tensorflow::GraphDef graph;
  std::string meta;
  std::unique_ptr<EventWriter> events;
};

}  // namespace cairn::estimator::internal
