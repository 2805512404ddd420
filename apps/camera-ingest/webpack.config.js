const { nodeAppConfig } = require('../../tools/webpack/node-app.webpack');

module.exports = nodeAppConfig({ app: 'camera-ingest', entries: { main: './src/main.ts' } });
