const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

// Bundles our own code (apps and libs); node_modules stay external so model weights and
// .wasm files are read from their packages at run time.
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/camera-ingest') },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      externalDependencies: 'all',
      generatePackageJson: true,
      optimization: false,
      outputHashing: 'none',
      sourceMap: true,
    }),
  ],
};
