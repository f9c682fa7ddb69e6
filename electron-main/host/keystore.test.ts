import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { memberKeyFromPhrase } from '../../core/identity/member-key.ts';
import { dataFiles } from './data-dir.ts';
import { MemberKeystore } from './keystore.ts';

const fast = { N: 2 ** 12, r: 8, p: 1 }; // the tests check behaviour, not the KDF's cost
const hardhatPhrase = 'test test test test test test test test test test test junk';

async function withDir(use: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-keystore-'));
  try {
    await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a created identity is encrypted at rest, owner-only, and reopens locked with its address known', () =>
  withDir(async (dir) => {
    const keystore = await MemberKeystore.open(dir, fast);
    assert.equal(keystore.state, 'none');
    const { address, phrase } = await keystore.create('correct horse battery');
    assert.equal(keystore.state, 'unlocked');
    assert.equal(keystore.key.address, address);

    const file = await readFile(join(dir, dataFiles.identity), 'utf8');
    for (const word of phrase.split(' ')) assert.ok(!file.includes(` ${word} `), 'no phrase in clear');
    assert.ok(!file.includes(Buffer.from(keystore.key.privateKey).toString('hex')), 'no key in clear');
    assert.equal((await stat(join(dir, dataFiles.identity))).mode & 0o777, 0o600);

    const reopened = await MemberKeystore.open(dir, fast);
    assert.equal(reopened.state, 'locked');
    assert.equal(reopened.address, address);
    assert.throws(() => reopened.key, { code: 'IDENTITY_LOCKED' });
    assert.deepEqual(await reopened.unlock('correct horse battery'), { address });
    assert.deepEqual(await reopened.backup('correct horse battery'), { phrase });
    reopened.lock();
    assert.equal(reopened.state, 'locked');
  }));

test('the default KDF parameters work end to end', () =>
  withDir(async (dir) => {
    const keystore = await MemberKeystore.open(dir);
    const { address } = await keystore.restore(hardhatPhrase, 'correct horse battery');
    assert.equal(address, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    const reopened = await MemberKeystore.open(dir);
    assert.deepEqual(await reopened.unlock('correct horse battery'), { address });
  }));

test('a wrong passphrase gives WRONG_PASSPHRASE and changes nothing', () =>
  withDir(async (dir) => {
    await (await MemberKeystore.open(dir, fast)).restore(hardhatPhrase, 'correct horse battery');
    const before = await readFile(join(dir, dataFiles.identity));
    const keystore = await MemberKeystore.open(dir, fast);
    await assert.rejects(keystore.unlock('correct horse battery!'), { code: 'WRONG_PASSPHRASE' });
    await assert.rejects(keystore.backup(''), { code: 'WRONG_PASSPHRASE' });
    assert.equal(keystore.state, 'locked');
    assert.deepEqual(await readFile(join(dir, dataFiles.identity)), before);
  }));

test('a malformed phrase gives INVALID_PHRASE and writes nothing', () =>
  withDir(async (dir) => {
    const keystore = await MemberKeystore.open(dir, fast);
    await assert.rejects(keystore.restore('test test test test test test test test test test test test', 'correct horse battery'), { code: 'INVALID_PHRASE' });
    await assert.rejects(keystore.restore('hello world', 'correct horse battery'), { code: 'INVALID_PHRASE' });
    await assert.rejects(keystore.restore(hardhatPhrase, 'short'), { code: 'WEAK_PASSPHRASE' });
    assert.equal(keystore.state, 'none');
    await assert.rejects(readFile(join(dir, dataFiles.identity)), { code: 'ENOENT' });
  }));

test('an existing identity is never overwritten', () =>
  withDir(async (dir) => {
    const keystore = await MemberKeystore.open(dir, fast);
    const { address } = await keystore.restore(hardhatPhrase, 'correct horse battery');
    await assert.rejects(keystore.create('another passphrase'), { code: 'IDENTITY_EXISTS' });
    const other = memberKeyFromPhrase('legal winner thank year wave sausage worth useful legal winner thank yellow');
    await assert.rejects((await MemberKeystore.open(dir, fast)).restore('legal winner thank year wave sausage worth useful legal winner thank yellow', 'x'.repeat(10)), {
      code: 'IDENTITY_EXISTS',
    });
    assert.notEqual(other.address, address);
    assert.equal((await MemberKeystore.open(dir, fast)).address, address);
  }));

test('a damaged identity file gives CORRUPT_KEYSTORE, not a crash', () =>
  withDir(async (dir) => {
    const path = join(dir, dataFiles.identity);
    for (const damaged of ['', '{', '{"version": 2}', JSON.stringify({ version: 1, address: 'nope' })]) {
      await writeFile(path, damaged);
      await assert.rejects(MemberKeystore.open(dir, fast), { code: 'CORRUPT_KEYSTORE' });
    }
    await (await MemberKeystore.open(join(dir, 'fresh'), fast)).restore(hardhatPhrase, 'correct horse battery');
    const file = JSON.parse(await readFile(join(dir, 'fresh', dataFiles.identity), 'utf8')) as { ciphertext: string };
    file.ciphertext = `${file.ciphertext.slice(0, -2)}${file.ciphertext.endsWith('00') ? '01' : '00'}`;
    await writeFile(path, JSON.stringify(file));
    await assert.rejects((await MemberKeystore.open(dir, fast)).unlock('correct horse battery'), { code: 'WRONG_PASSPHRASE' });
  }));
