// Computes TensorFlow.js ops (@tensorflow/tfjs, CPU backend) on given
// tensors and prints the results as JSON: the independent oracle of the
// graph interpreter's kernel tests (src/serving/kernel_test_util.h).
//
//   node tfjs_ops.js CASES.json
//
// CASES.json: [{"op": "conv2d", "inputs": [{"dtype": "float32", "dims": [1, 3, 3, 1],
// "data": [...]}, ...], "args": {...}}, ...]; `op` names a function below,
// which calls tfjs with the inputs as tensors and `args`.
// Prints [{"dims": [...], "data": [...]}, ...], one result per case.
'use strict';
const fs = require('fs');
const tf = require('@tensorflow/tfjs');

// tfjs greets Node.js users on stdout; keep stdout for the JSON result.
console.log = (...args) => console.error(...args);

const ops = {
  stridedSlice: ([x], a) => tf.stridedSlice(x, a.begin, a.end, a.strides, a.beginMask,
                                            a.endMask, a.ellipsisMask, a.newAxisMask,
                                            a.shrinkAxisMask),
  slice: ([x], a) => tf.slice(x, a.begin, a.size),
  gather: ([x, indices], a) => tf.gather(x, indices, a.axis),
  transpose: ([x], a) => tf.transpose(x, a.perm),
  tile: ([x], a) => tf.tile(x, a.reps),
  sum: ([x], a) => tf.sum(x, a.axis, a.keepDims),
  mean: ([x], a) => tf.mean(x, a.axis, a.keepDims),
  max: ([x], a) => tf.max(x, a.axis, a.keepDims),
  min: ([x], a) => tf.min(x, a.axis, a.keepDims),
  prod: ([x], a) => tf.prod(x, a.axis, a.keepDims),
  sqrt: ([x]) => tf.sqrt(x),
  rsqrt: ([x]) => tf.rsqrt(x),
  log: ([x]) => tf.log(x),
  pow: ([x, y]) => tf.pow(x, y),
  floorDiv: ([x, y]) => tf.floorDiv(x, y),
  floorMod: ([x, y]) => tf.mod(x, y),
  logSoftmax: ([x]) => tf.logSoftmax(x),
  softplus: ([x]) => tf.softplus(x),
  leakyRelu: ([x], a) => tf.leakyRelu(x, a.alpha),
  selu: ([x]) => tf.selu(x),
  erf: ([x]) => tf.erf(x),
  conv2d: ([x, f], a) => tf.conv2d(x, f, a.strides, a.pad, 'NHWC', a.dilations),
  maxPool: ([x], a) => tf.maxPool(x, a.size, a.strides, a.pad),
  avgPool: ([x], a) => tf.avgPool(x, a.size, a.strides, a.pad),
  // FusedBatchNorm's input order: x, scale, offset, mean, variance.
  batchNorm: ([x, scale, offset, mean, variance], a) =>
      tf.batchNorm(x, mean, variance, offset, scale, a.epsilon),
  matMul: ([x, y], a) => tf.matMul(x, y, a.transposeA, a.transposeB),
  einsum: (inputs, a) => tf.einsum(a.equation, ...inputs),
};

function main() {
  const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const results = cases.map((c) => tf.tidy(() => {
    const inputs = c.inputs.map((t) => tf.tensor(t.data, t.dims, t.dtype));
    const y = ops[c.op](inputs, c.args || {});
    return {dims: y.shape, data: Array.from(y.dataSync())};
  }));
  process.stdout.write(JSON.stringify(results));
}

main();
