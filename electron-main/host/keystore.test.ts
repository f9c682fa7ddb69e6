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

test('a created identity\'s backup is pending, across a reopen, until confirmed; a restored one never is', () =>
  withDir(async (dir) => {
    const keystore = await MemberKeystore.open(dir, fast);
    await assert.rejects(keystore.confirmBackup(), { code: 'NO_IDENTITY' });
    const { address, phrase } = await keystore.create('correct horse battery');
    assert.equal(keystore.backupPending, true);
    const reopened = await MemberKeystore.open(dir, fast);
    assert.equal(reopened.backupPending, true, 'a reload (a restart) does not forget it');
    assert.equal(reopened.state, 'locked');

    // Confirming needs no passphrase, and rewrites the file with the same key material: still owner-only, no phrase in clear.
    const before = JSON.parse(await readFile(join(dir, dataFiles.identity), 'utf8')) as Record<string, unknown>;
    await reopened.confirmBackup();
    assert.equal(reopened.backupPending, false);
    const file = await readFile(join(dir, dataFiles.identity), 'utf8');
    const { backupPending, ...rest } = before;
    assert.deepEqual([backupPending, JSON.parse(file)], [true, rest]);
    for (const word of phrase.split(' ')) assert.ok(!file.includes(` ${word} `), 'no phrase in clear');
    assert.equal((await stat(join(dir, dataFiles.identity))).mode & 0o777, 0o600);
    await reopened.confirmBackup();
    const again = await MemberKeystore.open(dir, fast);
    assert.equal(again.backupPending, false);
    assert.deepEqual(await again.unlock('correct horse battery'), { address });
    assert.deepEqual(await again.backup('correct horse battery'), { phrase });

    const restored = await MemberKeystore.open(join(dir, 'restored'), fast);
    await restored.restore(hardhatPhrase, 'correct horse battery');
    assert.equal(restored.backupPending, false, 'whoever restores holds the phrase');
    assert.equal((await MemberKeystore.open(join(dir, 'restored'), fast)).backupPending, false);
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

test('two creates at once make one identity: the second is refused, and the first phrase opens what is stored', () =>
  withDir(async (dir) => {
    const keystore = await MemberKeystore.open(dir, fast);
    const [first, second] = await Promise.allSettled([keystore.create('correct horse battery'), keystore.create('correct horse battery')]);
    assert.equal(first.status, 'fulfilled');
    assert.equal(second.status, 'rejected');
    assert.equal((second as PromiseRejectedResult).reason.code, 'IDENTITY_EXISTS');
    const reopened = await MemberKeystore.open(dir, fast);
    assert.equal(reopened.address, (first as PromiseFulfilledResult<{ address: string }>).value.address);
    assert.equal((await reopened.backup('correct horse battery')).phrase, (first as PromiseFulfilledResult<{ phrase: string }>).value.phrase);
  }));

test('a key taken before a lock stays whole: the lock scrubs only the copy the keystore holds', () =>
  withDir(async (dir) => {
    const keystore = await MemberKeystore.open(dir, fast);
    await keystore.restore(hardhatPhrase, 'correct horse battery');
    const taken = keystore.key;
    keystore.lock();
    assert.throws(() => keystore.key, { code: 'IDENTITY_LOCKED' });
    assert.deepEqual(taken.privateKey, memberKeyFromPhrase(hardhatPhrase).privateKey);
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

test('damaged KDF or cipher parameters give CORRUPT_KEYSTORE naming the field, not a RangeError or WRONG_PASSPHRASE', () =>
  withDir(async (dir) => {
    await (await MemberKeystore.open(join(dir, 'good'), fast)).restore(hardhatPhrase, 'correct horse battery');
    type File = { kdf: Record<string, unknown>; cipher: Record<string, string>; ciphertext: string };
    const good = JSON.parse(await readFile(join(dir, 'good', dataFiles.identity), 'utf8')) as File;
    const damages: Record<string, [(file: File) => void, RegExp]> = {
      'N not a power of two': [(file) => (file.kdf.N = 4097), /kdf\.N: must be a power of two/],
      'N of 2^40': [(file) => (file.kdf.N = 2 ** 40), /kdf\.N/],
      'N of 2': [(file) => (file.kdf.N = 2), /kdf\.N/],
      'r of 0': [(file) => (file.kdf.r = 0), /kdf\.r/],
      'p of 0': [(file) => (file.kdf.p = 0), /kdf\.p/],
      'p of 1.5': [(file) => (file.kdf.p = 1.5), /kdf\.p/],
      'N × r over 1 GiB': [(file) => Object.assign(file.kdf, { N: 2 ** 20, r: 16 }), /more than 1 GiB/],
      'salt of odd length': [(file) => (file.kdf.salt = 'abc'), /kdf\.salt: must be hex of whole bytes/],
      'salt of 4 bytes': [(file) => (file.kdf.salt = 'abcdef01'), /kdf\.salt: must be 16 to 64 bytes/],
      'IV of 3 bytes': [(file) => (file.cipher.iv = 'abcdef'), /cipher\.iv: must be 12 bytes/],
      'IV of odd length': [(file) => (file.cipher.iv = `${file.cipher.iv}0`), /cipher\.iv/],
      'tag cut to 4 bytes': [(file) => (file.cipher.tag = file.cipher.tag!.slice(0, 8)), /cipher\.tag: must be 16 bytes/],
      'tag in upper case': [(file) => (file.cipher.tag = file.cipher.tag!.toUpperCase()), /cipher\.tag/],
      'ciphertext of odd length': [(file) => (file.ciphertext = file.ciphertext.slice(0, -1)), /ciphertext/],
      'empty ciphertext': [(file) => (file.ciphertext = ''), /ciphertext/],
    };
    for (const [name, [damage, field]] of Object.entries(damages)) {
      const file = structuredClone(good);
      damage(file);
      await writeFile(join(dir, dataFiles.identity), JSON.stringify(file));
      await assert.rejects(MemberKeystore.open(dir, fast), (error: { code?: string; message?: string; hint?: string }) => {
        assert.equal(error.code, 'CORRUPT_KEYSTORE', name);
        assert.match(error.message!, field, name);
        assert.match(error.hint!, /recovery phrase/, name);
        return true;
      });
    }
    // The file as written still opens and unlocks, with the tests' N and with the smallest N allowed.
    await writeFile(join(dir, dataFiles.identity), JSON.stringify(good));
    assert.equal((await (await MemberKeystore.open(dir, fast)).unlock('correct horse battery')).address, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    const smallest = await MemberKeystore.open(join(dir, 'smallest'), { N: 2 ** 10, r: 8, p: 1 });
    await smallest.restore(hardhatPhrase, 'correct horse battery');
    await (await MemberKeystore.open(join(dir, 'smallest'))).unlock('correct horse battery');
  }));

test('scrypt parameters a file could not be opened with are refused before anything is written', () =>
  withDir(async (dir) => {
    await assert.rejects(MemberKeystore.open(dir, { N: 1000, r: 8, p: 1 }));
    await assert.rejects(readFile(join(dir, dataFiles.identity)), { code: 'ENOENT' });
  }));
