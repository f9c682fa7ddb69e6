// The packaging config cannot be tried here (electron-builder downloads Electron), so it is checked the way
// electron-builder itself checks it before a build: loaded and validated against its schema.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DebugLogger } from 'builder-util/out/DebugLogger.js';
import { log } from 'builder-util/out/log.js';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';

const root = join(import.meta.dirname, '..');

// electron-builder logs to stdout, which node --test reads its test file's reports from: a line of it between two
// of those now and then left the runner unable to read them ("Unable to deserialize cloned data"), failing the file.
const logged: string[] = [];
(log as unknown as { stream: { write(text: string): boolean } }).stream = { write: (text) => logged.push(text) > 0 };

test('electron-builder.yml passes electron-builder\'s own validation', async () => {
  const config = await getConfig(root, join(root, 'electron-builder.yml'), null);
  assert.match(logged.join(''), /loaded configuration/, 'electron-builder read the file it was given');
  await validateConfiguration(config, new DebugLogger(false));
  // The check is real: a misspelt fuse is refused.
  const misspelt = { ...config, electronFuses: { grantFileProtocolExtraPrivilege: false } } as unknown as typeof config;
  await assert.rejects(validateConfiguration(misspelt, new DebugLogger(false)), /electronFuses/);
});

test('the packaged app gives file:// no extra privileges and runs no other code as Node', async () => {
  const { electronFuses } = await getConfig(root, join(root, 'electron-builder.yml'), null);
  assert.deepEqual(electronFuses, {
    grantFileProtocolExtraPrivileges: false,
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
  });
});
