#include "estimator/model_dir_writer.h"

#include "cairn/core/errors.h"
#include "cairn/formats/bundle/tensor_bundle.h"

namespace cairn::estimator::internal {

ModelDirWriter::ModelDirWriter(const ModelDefinition& definition, Session& session,
                               const std::string& dir, FileSystem& file_system)
    : fs(file_system),
      graph(definition.graph(*session.model, session.variable_infos())),
      meta(definition.meta_graph(*session.model, graph).SerializeAsString()) {
  throw_if_error(fs.create_directories(dir));
  throw_if_error(fs.write_file_atomically(join_path(dir, "graph.pbtxt"), graph_to_pbtxt(graph)));
  events = value_or_throw(EventWriter::create(fs, dir));
  throw_if_error(events->add_graph(graph.SerializeAsString()));
  throw_if_error(events->add_meta_graph(meta));
  throw_if_error(events->add_session_log(SessionLogStatus::kStart, session.step() + 1));
}

void ModelDirWriter::write_meta(const std::string& prefix) const {
  throw_if_error(fs.write_file_atomically(checkpoint_meta_path(prefix), meta));
}

}  // namespace cairn::estimator::internal
