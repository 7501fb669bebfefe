// Keras 3's weights files: the `.weights.h5` that `model.save_weights()`
// writes and the `model.weights.h5` inside a `.keras` archive. Each object
// with variables (the model, each layer, the optimizer) is one group holding
// a `vars` group of datasets named by position:
//
//   /vars                   @name "sequential"   (the model's own variables; usually none)
//   /layers/dense/vars      @name "dense_35"     datasets 0 (kernel), 1 (bias)
//   /layers/dense_1/vars    @name "dense_36"     ...
//   /optimizer/vars         @name "adam"         0 iterations, 1 learning_rate, then slots
//
// Objects are addressed by their path ("layers/dense_1"), which Keras derives
// from the layer's class ("dense", "dense_1", ... by position among the
// model's layers), not by the layer's name (kept in the `name` attribute).
// Files from Keras 2.13-2.15 say `_layer_checkpoint_dependencies` where 3
// says `layers`; the reader accepts both. Reads and writes in memory through
// HDF5's C library, with the untrusted-bytes protections of keras_h5.h.
//
//   cairn::Keras3Weights w;
//   w.objects.push_back({.path = "layers/dense", .name = "dense", .vars = {kernel, bias}});
//   CAIRN_ASSIGN_OR_RETURN(std::string bytes, cairn::encode_keras3_weights(w));
//   CAIRN_ASSIGN_OR_RETURN(cairn::Keras3Weights back, cairn::decode_keras3_weights(bytes, "x"));
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/formats/hdf5/keras_h5.h"

namespace cairn {

// One object's variables: `<path>/vars/0` .. `<path>/vars/<n-1>`.
struct Keras3Vars {
  std::string path;          // "layers/dense", "optimizer"; "" for the model itself
  std::string name;          // the `name` attribute of its vars group ("" if absent)
  std::vector<Tensor> vars;  // in Keras's order
  // The index of vars[0]: 0, except in a shard that holds the rest of an
  // object whose first variables are in an earlier shard.
  size_t first_index = 0;
};

struct Keras3Weights {
  std::vector<Keras3Vars> objects;  // writer: in this order; reader: by path
  // The vars group that holds `path`'s variables, or nullptr.
  const Keras3Vars* find(std::string_view path) const;
};

// The bytes of a Keras 3 weights file. INVALID_ARGUMENT for an unsupported
// dtype, a repeated path, or a path with an empty or "." component.
Result<std::string> encode_keras3_weights(const Keras3Weights& weights);

// Reads a weights file's bytes; `path` names it in errors. Every group named
// `vars` is an object; its datasets must be named 0..n-1. DATA_LOSS for
// bytes HDF5 cannot open, a `vars` dataset with another name, a gap in the
// numbering, or weights adding up to more bytes than the file holds. The
// dry run in a child process of read_keras_h5 guards this parse too.
Result<Keras3Weights> decode_keras3_weights(std::string_view bytes, const std::string& path,
                                            const KerasH5ReadOptions& options = {});

// Reads sharded weights (Keras 3.10+'s save_weights with max_shard_size):
// the manifest `json_path` ("x.weights.json")
//   {"metadata": {"total_size": <bytes>},
//    "weight_map": {"/layers/dense/vars": "x_00000.weights.h5", "/vars": ..., ...}}
// and each shard it names, a weights file of the layout above beside the
// manifest, holding some objects' vars; an object whose vars did not fit in
// one shard continues in the next (its vars numbered on). The shards'
// objects are merged by path. NOT_FOUND for a missing shard; DATA_LOSS for a
// manifest that is not such JSON, a shard name that leaves the manifest's
// directory, an object's vars with a gap or given twice; every message
// names the manifest or the shard.
Result<Keras3Weights> read_keras3_sharded_weights(const std::string& json_path,
                                                  FileSystem& fs = default_file_system(),
                                                  const KerasH5ReadOptions& options = {});

}  // namespace cairn
