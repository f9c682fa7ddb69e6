// A randomized soak of four real `daomesh node` processes in one DAO (test/fixtures/soak.ts): every kind of proposal,
// votes and changed votes, signed results, withdrawals, text edits, a member's removal, a late rage quit, and nodes
// killed (SIGTERM, SIGKILL, mid-write) and started again while the others write on. It must end with the remaining
// nodes on one state, every acknowledged record on every node, decided proposals as their tallies say, and no node
// crashed. `npm run soak`; DAOMESH_SOAK_SEED and DAOMESH_SOAK_STEPS run another history. Not in `npm test` for now:
// in one CI run a passed proposal had not executed 120 s after the settle phase began (to be looked into).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSoak } from './fixtures/soak.ts';

const seed = Number(process.env.DAOMESH_SOAK_SEED ?? 8);
const steps = Number(process.env.DAOMESH_SOAK_STEPS ?? 40);

test(`soak (seed ${seed}, ${steps} rounds): the nodes converge and lose no acknowledged record`, { timeout: 10 * 60_000 }, async (t) => {
  const report = await runSoak({ seed, steps, log: (line) => t.diagnostic(line) });
  for (const note of report.notes) t.diagnostic(`by a documented limit: ${note}`);
  t.diagnostic(`${report.acks.length} acknowledged writes: ${JSON.stringify(report.counts)}`);
  assert.ok(report.acks.length > steps / 2, `seed ${seed}: the run wrote too little to tell anything (${report.acks.length} writes)`);
  assert.deepEqual(report.problems, [], `seed ${seed} (DAOMESH_SOAK_SEED=${seed} DAOMESH_SOAK_STEPS=${steps} to run it again; data kept in ${report.dataDirs.join(' ')})`);
});
