const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

// Bundles our own code (apps and libs); node_modules stay external so model weights and
// .wasm files are read from their packages at run time. The inference worker thread is its
// own entry: worker_threads loads it from a file beside main.js.
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/face-recognition') },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      additionalEntryPoints: [
        { entryName: 'inference.worker', entryPath: './src/inference/inference.worker.ts' },
      ],
      tsConfig: './tsconfig.app.json',
      externalDependencies: 'all',
      generatePackageJson: true,
      optimization: false,
      outputHashing: 'none',
      sourceMap: true,
    }),
  ],
};
