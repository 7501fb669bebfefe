// Runs Keras models in TensorFlow.js (@tensorflow/tfjs, CPU backend) from
// the configs and weights cairn gives, and prints what TF.js computes: the
// independent oracle of cairn's layers (src/keras/layers/layer_test_util.h).
//
//   node tfjs_layers.js CASES.json
//
// CASES.json: [{"model": <a Keras model config, as model.to_json() writes it>,
//   "weights": [<tensor>, ...] in model.weights order,
//   "inputs": [<tensor>, ...] one per model input,
//   "r": [<tensor>, ...] one per model output: the loss is sum(y * r),
//   "training": false, "input_gradients": true,
//   "step": null or {"learning_rate": 0.1, "targets": [<tensor>, ...]}}, ...]
// where <tensor> is {"dims": [...], "data": [...]} (float32).
// Prints, per case, {"outputs": [<tensor>, ...], "input_gradients": [<tensor>, ...],
// "weight_gradients": [<tensor>, ...] (model.trainableWeights order),
// "after_step": [<tensor>, ...] (model.weights after one SGD step on the
// mean squared error against `targets`), "weight_names": [...]}; or
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
  return model.getWeights().map(fromTensor);
}

async function runCase(c) {
  const model = await tf.models.modelFromJSON({modelTopology: c.model});
  model.setWeights(c.weights.map(toTensor));
  const inputs = c.inputs.map(toTensor);
  const rs = c.r.map(toTensor);
  const result = tf.tidy(() => gradients(model, inputs, rs, c));
  result.weight_names = model.weights.map((w) => w.originalName);
  result.after_step = c.step ? await trainStep(model, inputs, c.step) : [];
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
