// npm 12 runs a dependency's install script only when package.json's `allowScripts` names it; the set-up needs
// some (the pinned Node's binary comes from the `node` package's preinstall). The lockfile marks every package
// that has one, so a dependency that gains a script, or a new one that has it, fails here rather than on a
// user's fresh install.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

const repoRoot = path.resolve(import.meta.dirname, '..');

type LockedPackage = { name?: string; hasInstallScript?: boolean };

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(path.join(repoRoot, file), 'utf8'));
}

/** The package's name from its lockfile key: the part after the last node_modules/ (scoped names keep their scope). */
function nameOf(key: string, locked: LockedPackage): string {
  return locked.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

test('every dependency with an install script is allowed or denied in package.json, and nothing else is named', async () => {
  const manifest = (await readJson('package.json')) as { allowScripts?: Record<string, boolean> };
  const lock = (await readJson('package-lock.json')) as { packages: Record<string, LockedPackage> };
  const allowScripts = manifest.allowScripts ?? {};
  const withScripts = new Set(
    Object.entries(lock.packages)
      .filter(([key, locked]) => key !== '' && locked.hasInstallScript === true)
      .map(([key, locked]) => nameOf(key, locked)),
  );
  assert.ok(withScripts.size > 0, 'the lockfile marks no install scripts: is it lockfile version 2 or later?');
  const uncovered = [...withScripts].filter((name) => !(name in allowScripts)).sort();
  assert.deepEqual(uncovered, [], 'install scripts npm 12 would block: add them to allowScripts (true or false) once reviewed');
  const stale = Object.keys(allowScripts).filter((name) => !withScripts.has(name)).sort();
  assert.deepEqual(stale, [], 'allowScripts names packages that have no install script any more');
  // The set-up rests on this one: without its preinstall there is no pinned Node for npm run.
  assert.equal(allowScripts.node, true);
});
