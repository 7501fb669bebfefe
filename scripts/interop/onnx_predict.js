// Runs an ONNX model in onnxruntime-node and prints every output as JSON.
//
//   node onnx_predict.js MODEL.onnx INPUT.json
//
// INPUT.json: {"<input name>": {"dims": [2, 4], "data": [... 8 numbers ...]}, ...}
// (float32 inputs). Prints {"<output name>": {"dims": [...], "data": [...],
// "type": "float32" | "int64"}, ...}; int64 values are printed as numbers.
// Modules resolve from NODE_PATH (scripts/install-node-deps.sh's .cache/node).
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [modelPath, inputPath] = process.argv.slice(2);
  if (!modelPath || !inputPath) throw new Error('usage: onnx_predict.js MODEL.onnx INPUT.json');
  const session = await ort.InferenceSession.create(modelPath);
  const request = JSON.parse(fs.readFileSync(inputPath, 'utf8'));
  const feeds = {};
  for (const [name, value] of Object.entries(request)) {
    feeds[name] = new ort.Tensor('float32', Float32Array.from(value.data), value.dims);
  }
  const results = await session.run(feeds);
  const printed = {};
  for (const name of session.outputNames) {
    const t = results[name];
    printed[name] = {dims: t.dims, type: t.type, data: Array.from(t.data, Number)};
  }
  process.stdout.write(JSON.stringify(printed) + '\n');
}

main().catch((e) => {
  process.stderr.write(`onnx_predict: ${e.stack || e}\n`);
  process.exit(1);
});
