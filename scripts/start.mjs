// npm start [-- args]: builds, then opens the desktop app, or, where Electron's binary cannot be had
// (no download possible, no display, DAOMESH_WEB=1), runs the same host in web mode: `daomesh node --ui`,
// which prints the URL of the UI. Extra args go to Electron or to `daomesh node`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const extraArgs = process.argv.slice(2);
const electronProbeTimeoutMs = 90_000;

function say(line) {
  process.stdout.write(`daomesh: ${line}\n`);
}

/** Runs a child with our terminal, passes Ctrl-C and SIGTERM on, and exits as it exits. */
function runForeground(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (error) => {
    process.stderr.write(`daomesh: could not start ${command}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
}

/**
 * Asks the electron package for its binary in a child process: in plain Node, `import('electron')` returns
 * the binary's path, downloading it on first use. The download may hang or fail, so it gets a deadline.
 * Resolves to { path } or { reason }.
 */
function probeElectron() {
  const probe = [
    "const { default: path } = await import('electron');",
    'process.stdout.write(`\\n${JSON.stringify({ path })}\\n`);',
  ].join('\n');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '--eval', probe], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a stuck download (a grandchild) dies with it.
      detached: process.platform !== 'win32',
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      try {
        if (process.platform === 'win32') child.kill('SIGKILL');
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      resolve({ reason: `its download did not finish within ${electronProbeTimeoutMs / 1000} s` });
    }, electronProbeTimeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ reason: error.message });
    });
    child.on('close', () => {
      clearTimeout(timer);
      const lines = output.split('\n').map((line) => line.trim());
      for (const line of lines.toReversed()) {
        if (!line.startsWith('{')) continue;
        try {
          const { path } = JSON.parse(line);
          if (typeof path === 'string' && existsSync(path)) return resolve({ path });
          return resolve({ reason: `the electron package points at ${path}, which does not exist` });
        } catch {
          // not our line
        }
      }
      // The root cause comes first (e.g. "TypeError: fetch failed"); later lines are the package's own advice.
      const error = lines.find((line) => /^[A-Za-z]*Error\b/.test(line));
      resolve({ reason: error ?? lines.filter(Boolean).at(-1) ?? 'the electron package gave no binary' });
    });
  });
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** The CLI is TypeScript run by Node's type stripping (Node >= 22.18); under an older Node use the pinned one. */
function nodeForTypeScript() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 18)) return process.execPath;
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  return existsSync(pinned) ? pinned : process.execPath;
}

function startWebMode(why) {
  if (why) say(`${why}; starting DAOmesh in web mode instead.`);
  runForeground(nodeForTypeScript(), [join(root, 'electron-main', 'cli', 'main.ts'), 'node', '--ui', ...extraArgs]);
}

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

if (process.env.DAOMESH_WEB === '1') {
  say('DAOMESH_WEB=1: starting DAOmesh in web mode.');
  startWebMode(null);
} else {
  say("looking for Electron's binary…");
  const electron = await probeElectron();
  if (!electron.path) {
    startWebMode(`Electron's binary is not available here (${electron.reason})`);
  } else if (!hasDisplay()) {
    startWebMode("Electron has no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set)");
  } else {
    // ELECTRON_RUN_AS_NODE would make the binary act as plain Node and ignore the app.
    const { ELECTRON_RUN_AS_NODE: _ignored, ...env } = process.env;
    runForeground(electron.path, [root, ...extraArgs], env);
  }
}
