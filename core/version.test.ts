import assert from 'node:assert/strict';
import { test } from 'node:test';
import packageJson from '../package.json' with { type: 'json' };
import { appVersion } from './version.ts';

test('the version shown by the app is the package version', () => {
  assert.equal(appVersion, packageJson.version);
});
