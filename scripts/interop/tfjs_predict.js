// Loads a TensorFlow.js layers model with @tensorflow/tfjs (pure JavaScript,
// CPU backend) and prints its prediction for one input as JSON.
//
//   node tfjs_predict.js DIR INPUT.json
//
// DIR holds model.json and the shards its weightsManifest lists. The model is
// loaded through an IOHandler that reads those files with fs, the way
// tf.loadLayersModel's http handler fetches them (no tfjs-node, no file://).
// INPUT.json: {"dims": [2, 4], "data": [... 8 numbers ...]} (float32).
// Prints {"dims": [...], "data": [...], "metadata": <userDefinedMetadata>}.
// Modules resolve from NODE_PATH (scripts/install-node-deps.sh's .cache/node).
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

// tfjs greets Node.js users on stdout; keep stdout for the JSON result.
console.log = (...args) => console.error(...args);

// An IOHandler whose load() returns the artifacts of DIR/model.json.
function directoryHandler(dir) {
  return {
    load: async () => {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const weightSpecs = [];
      const buffers = [];
      for (const group of json.weightsManifest) {
        for (const shard of group.paths) buffers.push(fs.readFileSync(path.join(dir, shard)));
        weightSpecs.push(...group.weights);
      }
      const bytes = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      };
    },
  };
}

async function main() {
  const [dir, inputPath] = process.argv.slice(2);
  if (!dir || !inputPath) throw new Error('usage: tfjs_predict.js DIR INPUT.json');
  await tf.setBackend('cpu');
  const model = await tf.loadLayersModel(directoryHandler(dir), {strict: true});
  const input = JSON.parse(fs.readFileSync(inputPath, 'utf8'));
  const y = model.predict(tf.tensor(input.data, input.dims, 'float32'));
  const printed = {dims: y.shape, data: Array.from(await y.data()),
                   metadata: model.getUserDefinedMetadata() || null};
  process.stdout.write(JSON.stringify(printed) + '\n');
}

main().catch((e) => {
  process.stderr.write(`tfjs_predict: ${e.stack || e}\n`);
  process.exit(1);
});
