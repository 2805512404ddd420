// Webpack for our Node apps: bundles the app and the libs it imports (resolved through the
// tsconfig path aliases); every npm package stays external, so model weights and .wasm
// files are read from their packages at run time. Writes a package.json beside the bundle
// listing exactly the packages the bundle requires, at the versions installed here.
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { builtinModules } = require('node:module');
const { join, resolve } = require('node:path');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');

const repoRoot = resolve(__dirname, '../..');
const builtins = new Set(builtinModules);

function packageNameOf(request) {
  const parts = request.split('/');
  return request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isNpmPackage(request) {
  if (request.startsWith('.') || request.startsWith('/') || request.startsWith('node:'))
    return false;
  if (request.startsWith('@edgewatch/')) return false;
  return !builtins.has(packageNameOf(request));
}

function installedVersion(name) {
  const manifest = JSON.parse(
    readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8'),
  );
  return manifest.version;
}

/** Writes dist/apps/APP/package.json with the npm packages the bundle requires. */
class AppPackageJsonPlugin {
  constructor(app, used) {
    this.app = app;
    this.used = used;
  }

  apply(compiler) {
    compiler.hooks.afterEmit.tap('AppPackageJsonPlugin', () => {
      const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
      const optional = root.optionalDependencies ?? {};
      const dependencies = {};
      const optionalDependencies = {};
      for (const name of [...this.used].sort()) {
        if (optional[name]) optionalDependencies[name] = optional[name];
        else dependencies[name] = installedVersion(name);
      }
      const manifest = {
        name: `@edgewatch/${this.app}`,
        version: root.version,
        private: true,
        main: 'main.js',
        dependencies,
        optionalDependencies,
      };
      mkdirSync(compiler.options.output.path, { recursive: true });
      writeFileSync(
        join(compiler.options.output.path, 'package.json'),
        `${JSON.stringify(manifest, null, 2)}\n`,
      );
    });
  }
}

/**
 * @param {{ app: string, entries: Record<string, string>, runtimeDependencies?: string[] }} options
 *   entries relative to the app folder; runtimeDependencies: packages loaded by a computed
 *   require that webpack cannot see (NestJS's HTTP platform, face-api's backend entries)
 */
function nodeAppConfig({ app, entries, runtimeDependencies = [] }) {
  const appRoot = join(repoRoot, 'apps', app);
  const used = new Set(['@nestjs/platform-express', ...runtimeDependencies]);
  return {
    target: 'node',
    mode: 'production',
    context: appRoot,
    entry: Object.fromEntries(
      Object.entries(entries).map(([name, path]) => [name, resolve(appRoot, path)]),
    ),
    output: { path: join(repoRoot, 'dist', 'apps', app), filename: '[name].js', clean: true },
    devtool: 'source-map',
    optimization: { minimize: false, nodeEnv: false },
    // Keep __dirname and __filename as Node gives them: the worker file is found beside main.js.
    node: { __dirname: false, __filename: false },
    resolve: {
      extensions: ['.ts', '.js'],
      plugins: [new TsconfigPathsPlugin({ configFile: join(repoRoot, 'tsconfig.base.json') })],
    },
    externals: [
      ({ request }, callback) => {
        if (request && isNpmPackage(request)) {
          used.add(packageNameOf(request));
          return callback(null, `commonjs ${request}`);
        }
        return callback();
      },
    ],
    module: {
      rules: [
        {
          test: /\.ts$/,
          loader: 'ts-loader',
          // Type checking is `tsc --noEmit` over the whole repo; the build only transpiles.
          options: { transpileOnly: true, configFile: join(appRoot, 'tsconfig.app.json') },
        },
      ],
    },
    plugins: [new AppPackageJsonPlugin(app, used)],
    performance: { hints: false },
    stats: 'errors-warnings',
  };
}

module.exports = { nodeAppConfig };
