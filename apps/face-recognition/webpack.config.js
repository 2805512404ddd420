const { nodeAppConfig } = require('../../tools/webpack/node-app.webpack');

// The inference worker thread is its own entry: worker_threads loads it from a file beside
// main.js.
module.exports = nodeAppConfig({
  app: 'face-recognition',
  entries: { main: './src/main.ts', 'inference.worker': './src/inference/inference.worker.ts' },
  runtimeDependencies: [
    '@vladmandic/face-api',
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-node',
  ],
});
