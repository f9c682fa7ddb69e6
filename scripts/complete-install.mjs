// npm's postinstall. The README promises that one `npm install` sets everything up, but on a machine whose
// system Node is older than the pinned one (package.json devDependency "node"), npm skips optional native
// packages whose `engines` demand a newer Node. Here, npm has put node_modules/.bin first on PATH, so we can
// run the same install once more under the pinned Node, which adds what was skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const minimumMajor = 22;
const rerunFlag = 'DAOMESH_INSTALL_COMPLETING';

function majorOf(version) {
  const match = /v?(\d+)\./.exec(version ?? '');
  return match ? Number(match[1]) : 0;
}

// npm reports the Node it runs under in its user agent: "npm/11.19.1 node/v20.20.2 linux x64 …".
const npmNode = /node\/(v[\d.]+)/.exec(process.env.npm_config_user_agent ?? '')?.[1] ?? process.version;
const pinnedNode = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');

if (process.env[rerunFlag]) {
  process.exit(0);
}
if (majorOf(npmNode) >= minimumMajor) {
  process.exit(0);
}
if (!existsSync(pinnedNode)) {
  console.error(`daomesh: npm ran under Node ${npmNode} and the pinned Node was not installed; install Node ${minimumMajor} or newer and run npm install again.`);
  process.exit(1);
}
const npmCli = process.env.npm_execpath;
if (!npmCli) {
  console.error('daomesh: cannot find npm to complete the install; run `npm install` again.');
  process.exit(1);
}

console.log(`daomesh: npm ran under Node ${npmNode}; completing the install under the pinned Node (native packages that need Node >= ${minimumMajor}).`);
const result = spawnSync(pinnedNode, [npmCli, 'install', '--no-audit', '--no-fund'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    [rerunFlag]: '1',
    PATH: `${dirname(pinnedNode)}${delimiter}${process.env.PATH ?? ''}`,
  },
});
process.exit(result.status ?? 1);
