// Builds one app (or every app in apps/) to dist/apps/<app>/main.js with a source map.
//
// swc transpiles each TypeScript file (esbuild cannot emit decorator metadata, and NestJS
// constructor injection without @Inject tokens needs it); esbuild bundles the workspace code,
// resolving the @evcsms/* aliases from tsconfig.base.json, and keeps every npm package external
// so native (uWebSockets.js) and wasm (PGlite) pieces load from node_modules as from source.
// See docs/adr/0002-compiled-builds.md.
//
// Usage: node tools/build/build-app.mjs [app ...]   (no argument: every app)
import { transformFile } from '@swc/core';
import { build } from 'esbuild';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Files the bundle starts as separate processes or reads next to itself (`__dirname`). */
const SIDE_FILES = ['libs/embedded-postgres/src/pglite-server.mjs'];

const swcTypeScript = {
  name: 'swc-typescript',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const { code, map } = await transformFile(path, {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'es6' },
        sourceMaps: true,
        swcrc: false,
      });
      // esbuild chains an inline input map into the bundle's map: positions point at the .ts.
      const inlineMap = Buffer.from(map ?? '{}').toString('base64');
      return { contents: `${code}\n//# sourceMappingURL=data:application/json;base64,${inlineMap}`, loader: 'js' };
    });
  },
};

async function buildApp(app) {
  const outdir = join(root, 'dist', 'apps', app);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'apps', app, 'src', 'main.ts')],
    outfile: join(outdir, 'main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    tsconfig: join(root, 'tsconfig.base.json'),
    // TypeORM names migrations and entities after their classes.
    keepNames: true,
    sourcemap: true,
    logLevel: 'warning',
    plugins: [swcTypeScript],
  });
  for (const file of SIDE_FILES) copyFileSync(join(root, file), join(outdir, file.split('/').pop()));
}

const apps = process.argv.slice(2);
const targets = apps.length > 0 ? apps : readdirSync(join(root, 'apps'));
for (const app of targets) {
  const started = performance.now();
  await buildApp(app);
  console.log(`built dist/apps/${app}/main.js in ${Math.round(performance.now() - started)} ms`);
}
