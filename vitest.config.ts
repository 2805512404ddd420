import swc from 'unplugin-swc';
import tsconfigPaths from 'vite-tsconfig-paths';
import { defineConfig } from 'vitest/config';

// SWC instead of esbuild: NestJS dependency injection needs decorator metadata.
const plugins = [tsconfigPaths(), swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  plugins,
  test: {
    pool: 'forks',
    projects: [
      {
        plugins,
        test: {
          name: 'unit',
          include: ['apps/*/src/**/*.spec.ts', 'libs/*/src/**/*.spec.ts', 'tools/**/*.spec.ts'],
          testTimeout: 30_000,
        },
      },
      {
        plugins,
        test: {
          name: 'integration',
          include: [
            'apps/*/src/**/*.int-spec.ts',
            'libs/*/src/**/*.int-spec.ts',
            'tools/**/*.int-spec.ts',
          ],
          // Two cores: real ffmpeg, RTSP servers and inference suites run one file at a time.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
