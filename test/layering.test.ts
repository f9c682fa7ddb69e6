// The layering rule (eslint-rules/layering.js) through ESLint's own API and the repository's real config:
// each fixture in test/fixtures/layering/ is linted as if it sat at the path given here.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';

const repoRoot = path.resolve(import.meta.dirname, '..');
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'layering');
const eslint = new ESLint({ cwd: repoRoot });

/** The rules this test is about; fixtures may trip others (unused names, the @ts-nocheck header), which do not count. */
const layeringRules = new Set(['local/layering', 'no-restricted-globals']);

type Finding = { rule: string; line: number; message: string };

async function lintAs(fixture: string, asPath: string): Promise<Finding[]> {
  const code = await readFile(path.join(fixtures, fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, asPath) });
  assert.ok(result, `no lint result for ${fixture}`);
  // A parse error would hide every import from the rule and make "no findings" meaningless.
  const fatal = result.messages.filter((m) => m.fatal || m.ruleId === null);
  assert.deepEqual(fatal, [], `${fixture} did not lint cleanly as ${asPath}`);
  return result.messages
    .filter((m) => m.ruleId !== null && layeringRules.has(m.ruleId))
    .map((m) => ({ rule: m.ruleId ?? '', line: m.line, message: m.message }));
}

type Expected = { rule: 'local/layering' | 'no-restricted-globals'; line: number; says: string };

const violations: { fixture: string; as: string; expect: Expected[] }[] = [
  {
    fixture: 'core-imports-node.ts',
    as: 'core/x.ts',
    expect: [
      { rule: 'local/layering', line: 3, says: "core/ may not import 'node:fs' (core runs anywhere: no Node or DOM APIs)" },
    ],
  },
  {
    fixture: 'core-imports-node-bare.ts',
    as: 'core/ledger/x.ts',
    expect: [{ rule: 'local/layering', line: 3, says: "core/ may not import 'crypto'" }],
  },
  {
    fixture: 'core-imports-p2p.ts',
    as: 'core/x.ts',
    expect: [
      {
        rule: 'local/layering',
        line: 3,
        says: "core/ may not import from p2p/ ('../p2p/node.ts'); core/ may import only libraries",
      },
    ],
  },
  {
    fixture: 'core-requires-node.ts',
    as: 'core/x.ts',
    expect: [
      { rule: 'no-restricted-globals', line: 3, says: "no Node or DOM globals like 'require'" },
      { rule: 'local/layering', line: 3, says: "core/ may not import 'fs'" },
      { rule: 'local/layering', line: 4, says: "core/ may not import 'node:path'" },
    ],
  },
  {
    fixture: 'core-imports-electron-type.ts',
    as: 'core/x.ts',
    expect: [{ rule: 'local/layering', line: 3, says: "core/ may not import 'electron'" }],
  },
  {
    fixture: 'core-imports-package-json.ts',
    as: 'core/x.ts',
    expect: [
      {
        rule: 'local/layering',
        line: 3,
        says: "core/ may not import '../package.json' (a file at the repository root); core/ may import only libraries",
      },
    ],
  },
  {
    fixture: 'core-uses-process.ts',
    as: 'core/x.ts',
    expect: [
      { rule: 'no-restricted-globals', line: 3, says: "no Node or DOM globals like 'process'" },
      { rule: 'no-restricted-globals', line: 4, says: "no Node or DOM globals like 'Buffer'" },
      { rule: 'no-restricted-globals', line: 5, says: "no Node or DOM globals like 'document'" },
    ],
  },
  {
    fixture: 'core-test-imports-fs.ts',
    as: 'core/x.test.ts',
    expect: [
      { rule: 'local/layering', line: 4, says: "core/ tests may take only node:test and node:assert from Node, not 'node:fs'" },
    ],
  },
  {
    fixture: 'app-imports-electron-main.ts',
    as: 'app/x.tsx',
    expect: [
      {
        rule: 'local/layering',
        line: 3,
        says: "app/ may not import from electron-main/ ('../electron-main/host/host.ts'); app/ may import only core/, libraries",
      },
    ],
  },
  {
    fixture: 'app-imports-node.ts',
    as: 'app/x.tsx',
    expect: [{ rule: 'local/layering', line: 3, says: "app/ may not import 'node:path' (app runs in the browser" }],
  },
  {
    fixture: 'app-imports-electron.ts',
    as: 'app/bridge/x.ts',
    expect: [{ rule: 'local/layering', line: 3, says: "only electron-main/electron/ may import 'electron' at run time" }],
  },
  {
    fixture: 'p2p-imports-app.ts',
    as: 'p2p/x.ts',
    expect: [{ rule: 'local/layering', line: 3, says: "p2p/ may not import from app/ ('../app/App.tsx')" }],
  },
  {
    fixture: 'p2p-imports-electron.ts',
    as: 'p2p/x.ts',
    expect: [{ rule: 'local/layering', line: 3, says: "only electron-main/electron/ may import 'electron' at run time" }],
  },
  {
    fixture: 'p2p-imports-electron-inline-type.ts',
    as: 'p2p/x.ts',
    expect: [{ rule: 'local/layering', line: 3, says: 'use `import type` for its types' }],
  },
  {
    fixture: 'chain-imports-p2p.ts',
    as: 'chain/x.ts',
    expect: [{ rule: 'local/layering', line: 3, says: "chain/ may not import from p2p/ ('../p2p/gossip.ts')" }],
  },
  {
    fixture: 'chain-reexports-electron-main.ts',
    as: 'chain/x.ts',
    expect: [{ rule: 'local/layering', line: 3, says: 'chain/ may not import from electron-main/' }],
  },
  {
    fixture: 'electron-main-host-imports-electron.ts',
    as: 'electron-main/host/x.ts',
    expect: [{ rule: 'local/layering', line: 3, says: "only electron-main/electron/ may import 'electron' at run time" }],
  },
  {
    fixture: 'electron-main-imports-app.ts',
    as: 'electron-main/host/x.ts',
    expect: [
      {
        rule: 'local/layering',
        line: 3,
        says: "electron-main/ may not import from app/ ('../../app/App.tsx'); electron-main/ may import only core/, p2p/, chain/, libraries",
      },
    ],
  },
];

const allowed: { fixture: string; as: string }[] = [
  { fixture: 'allowed/core-imports-libraries.ts', as: 'core/ledger/x.ts' },
  { fixture: 'allowed/core-test-imports-node-test.ts', as: 'core/x.test.ts' },
  { fixture: 'allowed/p2p-imports-core.ts', as: 'p2p/x.ts' },
  { fixture: 'allowed/electron-main-imports-p2p.ts', as: 'electron-main/host/x.ts' },
  { fixture: 'allowed/electron-shell-imports-electron.ts', as: 'electron-main/electron/x.ts' },
  { fixture: 'allowed/app-imports-core.ts', as: 'app/x.tsx' },
  { fixture: 'allowed/test-imports-anything.ts', as: 'test/x.test.ts' },
  // The same source, moved to where its imports are allowed, is clean: the path alone decides.
  { fixture: 'core-uses-process.ts', as: 'p2p/x.ts' },
  { fixture: 'core-imports-p2p.ts', as: 'electron-main/x.ts' },
  { fixture: 'core-imports-package-json.ts', as: 'core/version.test.ts' },
  { fixture: 'app-imports-node.ts', as: 'scripts/x.ts' },
];

describe('layering rule', () => {
  for (const { fixture, as, expect } of violations) {
    test(`rejects ${fixture} as ${as}`, async () => {
      const found = await lintAs(fixture, as);
      const byPlace = (a: { line: number; rule: string }, b: { line: number; rule: string }) =>
        a.line - b.line || a.rule.localeCompare(b.rule);
      found.sort(byPlace);
      const wanted = [...expect].sort(byPlace);
      assert.equal(found.length, wanted.length, `expected ${wanted.length} finding(s), got:\n${JSON.stringify(found, null, 2)}`);
      wanted.forEach((w, i) => {
        const f = found[i];
        assert.ok(f, `missing finding ${i}`);
        assert.equal(f.rule, w.rule);
        assert.equal(f.line, w.line, f.message);
        assert.ok(f.message.includes(w.says), `"${f.message}" should say "${w.says}"`);
      });
    });
  }

  for (const { fixture, as } of allowed) {
    test(`allows ${fixture} as ${as}`, async () => {
      assert.deepEqual(await lintAs(fixture, as), []);
    });
  }

  test('eslint . does not lint the fixtures themselves', async () => {
    assert.equal(await eslint.isPathIgnored(path.join(fixtures, 'core-imports-node.ts')), true);
  });
});
