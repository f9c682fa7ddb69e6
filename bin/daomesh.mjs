#!/usr/bin/env node
// Launcher for the `daomesh` command. The CLI is TypeScript run by Node's own type stripping (Node >= 22.18);
// on an older system Node, re-run it under the Node this project pins (node_modules/.bin/node).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'electron-main', 'cli', 'main.ts');
const [major, minor] = process.versions.node.split('.').map(Number);

if (major > 22 || (major === 22 && minor >= 18)) {
  await import(pathToFileURL(entry).href);
} else {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    console.error(`daomesh: needs Node 22.18 or newer (this is ${process.version}); run \`npm install\` in ${root} to get the pinned one.`);
    process.exit(1);
  }
  const result = spawnSync(pinned, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
