// npm run build: the UI (Vite) into dist/app, then the desktop shell and the host (esbuild) into dist/electron.
//   dist/app/index.html       the UI: Electron serves it on daomesh://app/, `daomesh node --ui` on 127.0.0.1
//   dist/electron/main.mjs    Electron's main process (package.json "main")
//   dist/electron/preload.cjs the window's preload (CommonJS: sandboxed preloads cannot be ES modules)
//   dist/electron/host.mjs    the `daomesh` CLI with every dependency inlined; Electron runs `host.mjs node`
//                             in a utility process
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'dist', 'electron');

// Electron 45 ships Chromium 142 and Node 22.
const nodeTarget = 'node22';
const chromeTarget = 'chrome140';

/**
 * ES module bundles can hold CommonJS dependencies (ws, …) that call require() or read __dirname.
 * The free names __filename and __dirname are renamed (define) so that a module declaring its own
 * `const __dirname` cannot clash with the banner; `node --check` after the build catches any other clash.
 * import.meta.filename/dirname need Node 20.11, which Electron 45 has.
 */
const commonJs = {
  banner: {
    js: [
      "import { createRequire as __daomeshCreateRequire } from 'node:module';",
      'const require = __daomeshCreateRequire(import.meta.url);',
      'const __daomeshFilename = import.meta.filename;',
      'const __daomeshDirname = import.meta.dirname;',
    ].join('\n'),
  },
  define: { __filename: '__daomeshFilename', __dirname: '__daomeshDirname' },
};

/** Optional native speed-ups of ws: loaded in a try/catch when present, never required. */
const optionalNative = ['bufferutil', 'utf-8-validate'];

const bundles = [
  {
    name: 'main',
    entry: 'electron-main/electron/main.ts',
    options: {
      outfile: join(outDir, 'main.mjs'),
      format: 'esm',
      platform: 'node',
      target: nodeTarget,
      external: ['electron', ...optionalNative],
      ...commonJs,
    },
  },
  {
    name: 'preload',
    entry: 'electron-main/electron/preload.ts',
    options: {
      outfile: join(outDir, 'preload.cjs'),
      format: 'cjs',
      // A sandboxed preload has no Node: only 'electron' and a few polyfilled modules can be required.
      platform: 'browser',
      target: chromeTarget,
      external: ['electron'],
    },
  },
  {
    name: 'host',
    entry: 'electron-main/cli/main.ts',
    options: {
      outfile: join(outDir, 'host.mjs'),
      format: 'esm',
      platform: 'node',
      target: nodeTarget,
      external: optionalNative,
      ...commonJs,
    },
  },
];

function step(message) {
  process.stdout.write(`build: ${message}\n`);
}

/** esbuild's and Vite's (rolldown's) errors, squeezed onto one line without their stacks. */
function oneLine(error) {
  const first = error?.errors?.[0] ?? error;
  const where = first?.location ? `${relative(root, first.location.file)}:${first.location.line}: ` : '';
  const text = String(first?.text ?? first?.message ?? first)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at '))
    .join(' ');
  return `${where}${text}`.slice(0, 400);
}

async function buildUi() {
  const configFile = join(root, 'app', 'vite.config.ts');
  if (!existsSync(configFile)) {
    step('skipped the UI: app/vite.config.ts does not exist yet');
    return;
  }
  step('UI (vite) → dist/app');
  const { build } = await import('vite');
  await build({ configFile, logLevel: 'warn', mode: 'production' });
  if (!existsSync(join(root, 'dist', 'app', 'index.html'))) {
    throw new Error('the UI build wrote no dist/app/index.html (check build.outDir in app/vite.config.ts)');
  }
}

async function buildBundles() {
  const esbuild = await import('esbuild');
  for (const bundle of bundles.filter((b) => wanted(b.name))) {
    const entry = join(root, bundle.entry);
    const out = relative(root, bundle.options.outfile);
    if (!existsSync(entry)) {
      step(`skipped ${bundle.name}: ${bundle.entry} does not exist yet`);
      continue;
    }
    step(`${bundle.name} (esbuild) ${bundle.entry} → ${out}`);
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      sourcemap: 'linked',
      legalComments: 'none',
      logLevel: 'silent',
      absWorkingDir: root,
      ...bundle.options,
    });
    const check = spawnSync(process.execPath, ['--check', bundle.options.outfile], { encoding: 'utf8' });
    if (check.status !== 0) {
      const reason = check.stderr.split('\n').find((line) => /Error/.test(line)) ?? 'node --check failed';
      throw new Error(`${out} does not parse: ${reason.trim()}`);
    }
  }
}

// `node scripts/build.mjs [ui] [main] [preload] [host]` builds only those parts; no argument builds all.
const parts = process.argv.slice(2);
const unknown = parts.filter((part) => part !== 'ui' && !bundles.some((bundle) => bundle.name === part));
if (unknown.length > 0) {
  process.stderr.write(`build: unknown part ${unknown.join(', ')} (choose from ui, ${bundles.map((b) => b.name).join(', ')})\n`);
  process.exit(2);
}
const wanted = (name) => parts.length === 0 || parts.includes(name);

const started = performance.now();
try {
  if (wanted('ui')) await buildUi();
  await buildBundles();
  step(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  process.stderr.write(`build: failed: ${oneLine(error)}\n`);
  process.exit(1);
}
