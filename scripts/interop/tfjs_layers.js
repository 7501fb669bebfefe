// Runs Keras models in TensorFlow.js (@tensorflow/tfjs, CPU backend) from
// the configs and weights cairn gives, and prints what TF.js computes: the
// independent oracle of cairn's layers (src/keras/layers/layer_test_util.h).
//
//   node tfjs_layers.js CASES.json
//
// CASES.json: [{"model": <a Keras model config, as model.to_json() writes it>,
//   "weights": [{"layer": <name>, "values": [<tensor>, ...]}, ...] each layer's
//     weights in its layer.weights order (Keras's: trainable then not),
//   "inputs": [<tensor>, ...] one per model input,
//   "r": [<tensor>, ...] one per model output: the loss is sum(y * r),
//   "training": false, "input_gradients": true,
//   "step": null or {"learning_rate": 0.1, "targets": [<tensor>, ...]}}, ...]
// where <tensor> is {"dims": [...], "data": [...]} (float32).
// Prints, per case, {"outputs": [<tensor>, ...], "input_gradients": [<tensor>, ...],
// "weight_gradients": [<tensor>, ...] (model.trainableWeights order),
// "after_step": [{"layer": <name>, "values": [<tensor>, ...], "names": [...]}]
// (each layer's weights after one SGD step on the mean squared error against
// `targets`)}; or
// {"error": "..."} when TF.js refuses the case.
'use strict';
const fs = require('fs');
const tf = require('@tensorflow/tfjs');

// tfjs greets Node.js users on stdout; keep stdout for the JSON result.
console.log = (...args) => console.error(...args);

const toTensor = (t) => tf.tensor(t.data, t.dims, 'float32');
const fromTensor = (t) => ({dims: t.shape, data: Array.from(t.dataSync())});
const asList = (y) => (Array.isArray(y) ? y : [y]);

// sum over outputs of sum(y * r).
function weightedSum(outputs, rs) {
  return outputs.map((y, i) => tf.sum(tf.mul(y, rs[i]))).reduce((a, b) => tf.add(a, b));
}

function gradients(model, inputs, rs, c) {
  const training = Boolean(c.training);
  const loss = (...xs) => weightedSum(asList(model.apply(xs, {training})), rs);
  const outputs = asList(model.apply(inputs, {training})).map(fromTensor);
  const inputGradients = c.input_gradients === false ? [] : tf.grads(loss)(inputs).map(fromTensor);
  const variables = model.trainableWeights.map((w) => w.read());
  const weightGradients = [];
  if (variables.length > 0) {
    const {grads} = tf.variableGrads(() => loss(...inputs), variables);
    for (const v of variables) weightGradients.push(fromTensor(grads[v.name]));
  }
  return {outputs, input_gradients: inputGradients, weight_gradients: weightGradients};
}

async function trainStep(model, inputs, step) {
  model.compile({optimizer: tf.train.sgd(step.learning_rate), loss: 'meanSquaredError'});
  const targets = step.targets.map(toTensor);
  await model.trainOnBatch(inputs.length === 1 ? inputs[0] : inputs,
                           targets.length === 1 ? targets[0] : targets);
  return layerWeights(model, step.layers);
}

// The weights of the layers named, each in its layer.weights order.
function layerWeights(model, names) {
  return names.map((name) => {
    const layer = model.getLayer(name);
    return {
      layer: name,
      values: layer.getWeights().map(fromTensor),
      names: layer.weights.map((w) => w.originalName),
    };
  });
}

async function runCase(c) {
  const model = await tf.models.modelFromJSON({modelTopology: c.model});
  for (const w of c.weights) model.getLayer(w.layer).setWeights(w.values.map(toTensor));
  const inputs = c.inputs.map(toTensor);
  const rs = c.r.map(toTensor);
  const result = tf.tidy(() => gradients(model, inputs, rs, c));
  const stepped = c.step ? {...c.step, layers: c.weights.map((w) => w.layer)} : null;
  result.after_step = stepped ? await trainStep(model, inputs, stepped) : [];
  return result;
}

async function main() {
  const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const results = [];
  for (const c of cases) {
    try {
      results.push(await runCase(c));
    } catch (e) {
      results.push({error: String(e && e.stack ? e.stack : e)});
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
