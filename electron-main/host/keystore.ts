// The member key at rest: the recovery phrase encrypted under the user's passphrase (scrypt, then
// AES-256-GCM, both from Node's crypto). The key lives in this process only; the UI sees the address. Beside
// it, in clear, one fact about the phrase: that the user has not yet said they wrote it down.
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { IdentityState } from '../../core/bridge/api.ts';
import { DaomeshError } from '../../core/errors.ts';
import { createRecoveryPhrase, memberKeyFromPhrase, type MemberKey } from '../../core/identity/member-key.ts';
import { dataFiles, writeFileAtomic } from './data-dir.ts';

/** scrypt cost: ~0.3 s on one core here, 128 MiB; strong enough for a desktop secret, quick enough to unlock. */
export const defaultScryptParams = { N: 2 ** 17, r: 8, p: 1 } as const;

/** Lowercase hex of `min` to `max` bytes: odd-length hex would decode short, silently. */
function hexBytes(min: number, max = min) {
  const what = min === max ? `${min} bytes` : `${min} to ${max} bytes`;
  return z.string().regex(/^(?:[0-9a-f]{2})*$/, 'must be hex of whole bytes').refine((hex) => hex.length >= 2 * min && hex.length <= 2 * max, `must be ${what}`);
}

// What scrypt may be asked for by a file: a damaged N or r would otherwise throw a RangeError or take the
// machine's memory. The bounds hold the default (2^17, 8, 1) and the tests' cheaper N (from 2^10).
const scryptParamsShape = {
  N: z
    .number()
    .int()
    .min(2 ** 10)
    .max(2 ** 20)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
};
const maxScryptMemory = 1024 ** 3;
const withinMemory = [({ N, r }: { N: number; r: number }) => 128 * N * r <= maxScryptMemory, 'scrypt would need more than 1 GiB (128 × N × r)'] as const;
const ScryptParams = z.object(scryptParamsShape).refine(...withinMemory);

const ivBytes = 12;
const tagBytes = 16;
const KeystoreFile = z.object({
  version: z.literal(1),
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  kdf: z.object({ name: z.literal('scrypt'), ...scryptParamsShape, salt: hexBytes(16, 64) }).refine(...withinMemory),
  // GCM's 12-byte IV and its whole 16-byte tag: a cut tag still "authenticates", with fewer bits.
  cipher: z.object({ name: z.literal('aes-256-gcm'), iv: hexBytes(ivBytes), tag: hexBytes(tagBytes) }),
  ciphertext: hexBytes(1, 1024),
  /**
   * Set when a new identity's phrase was shown and the user has not yet confirmed writing it down (confirmBackup
   * clears it), so that a reload or a crash before they did cannot leave them without a backup, unreminded.
   * Absent in files written before it existed, and after a restore: those phrases are known to be held.
   */
  backupPending: z.boolean().optional(),
});
type KeystoreFile = z.infer<typeof KeystoreFile>;

function scrypt(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCallback(passphrase.normalize('NFKC'), salt, 32, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export class MemberKeystore {
  readonly #path: string;
  readonly #scryptParams: { N: number; r: number; p: number };
  #file: KeystoreFile | null = null;
  #unlocked: MemberKey | null = null;
  /** True while an identity is being encrypted and written. */
  #storing = false;
  /** How many locks there have been: an unlock that a lock overtook while it derived the key does not unlock. */
  #locks = 0;

  private constructor(path: string, scryptParams: { N: number; r: number; p: number }) {
    this.#path = path;
    this.#scryptParams = scryptParams;
  }

  static async open(dir: string, scryptParams: { N: number; r: number; p: number } = defaultScryptParams): Promise<MemberKeystore> {
    // Checked here rather than after writing a file that would not open again.
    const keystore = new MemberKeystore(join(dir, dataFiles.identity), ScryptParams.parse(scryptParams));
    const text = await readFile(keystore.#path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (text !== null) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      const file = KeystoreFile.safeParse(parsed);
      if (!file.success) {
        const issue = parsed === null ? undefined : file.error.issues[0];
        const what = issue ? ` (${issue.path.join('.') || 'file'}: ${issue.message})` : '';
        throw new DaomeshError('CORRUPT_KEYSTORE', `The identity file ${keystore.#path} is damaged${what}.`, 'Restore it from a backup, or move it aside and restore your identity from its recovery phrase.');
      }
      keystore.#file = file.data;
    }
    return keystore;
  }

  get state(): IdentityState {
    if (this.#file === null) return 'none';
    return this.#unlocked === null ? 'locked' : 'unlocked';
  }

  get address(): string | null {
    return this.#file?.address ?? null;
  }

  /** The unlocked member key, for signing inside the host. */
  get key(): MemberKey {
    if (this.#unlocked === null) {
      throw this.#file === null
        ? new DaomeshError('NO_IDENTITY', 'This node has no member identity yet.', 'Create one or restore it from its recovery phrase.')
        : new DaomeshError('IDENTITY_LOCKED', 'The identity is locked.', 'Unlock it with your passphrase.');
    }
    // A copy: lock() zeroes the keystore's own, and a write that took the key before the lock must not sign (or
    // derive its device key) with zeros.
    return { ...this.#unlocked, privateKey: this.#unlocked.privateKey.slice() };
  }

  /** True from create() until confirmBackup(): the new phrase may not have been written down yet. */
  get backupPending(): boolean {
    return this.#file?.backupPending === true;
  }

  /** A new identity: its phrase comes back once, and the backup is pending until confirmBackup(). */
  async create(passphrase: string): Promise<{ address: string; phrase: string }> {
    const phrase = createRecoveryPhrase();
    const { address } = await this.#keep(phrase, passphrase, true);
    return { address, phrase };
  }

  /** Keeps `phrase` encrypted under `passphrase`; refuses to overwrite an existing identity. */
  async restore(phrase: string, passphrase: string): Promise<{ address: string }> {
    return await this.#keep(phrase, passphrase, false);
  }

  /**
   * The user says the phrase is written down: the backup is no longer pending. Asks for no passphrase, since it
   * reveals nothing; the file is written again with the same key material, atomically.
   */
  async confirmBackup(): Promise<void> {
    const file = this.#file;
    if (file === null) throw new DaomeshError('NO_IDENTITY', 'This node has no member identity yet.', 'Create one or restore it from its recovery phrase.');
    if (file.backupPending !== true) return;
    const { backupPending: _, ...confirmed } = file;
    await writeFileAtomic(this.#path, `${JSON.stringify(confirmed, null, 2)}\n`);
    this.#file = confirmed;
  }

  async #keep(phrase: string, passphrase: string, backupPending: boolean): Promise<{ address: string }> {
    if (this.#file !== null) {
      throw new DaomeshError('IDENTITY_EXISTS', `This node already has the identity ${this.#file.address}.`, 'Use another data directory for another identity.');
    }
    // Two calls at once (a double submit, two windows) would both pass the check above during the key
    // derivation, and the second would overwrite the first identity after its recovery phrase was shown.
    if (this.#storing) throw new DaomeshError('IDENTITY_EXISTS', 'An identity is being created on this node right now.', 'Wait for it, then unlock it.');
    assertPassphraseStrength(passphrase);
    const key = memberKeyFromPhrase(phrase); // throws INVALID_PHRASE before anything is written
    this.#storing = true;
    try {
      await this.#store(key, phrase, passphrase, backupPending);
    } finally {
      this.#storing = false;
    }
    return { address: key.address };
  }

  async #store(key: MemberKey, phrase: string, passphrase: string, backupPending: boolean): Promise<void> {
    const normalized = phrase.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ');
    const salt = randomBytes(16);
    const iv = randomBytes(ivBytes);
    const secret = await scrypt(passphrase, salt, this.#scryptParams);
    const cipher = createCipheriv('aes-256-gcm', secret, iv);
    cipher.setAAD(Buffer.from(key.address));
    const ciphertext = Buffer.concat([cipher.update(normalized, 'utf8'), cipher.final()]);
    const file: KeystoreFile = {
      version: 1,
      address: key.address,
      kdf: { name: 'scrypt', ...this.#scryptParams, salt: salt.toString('hex') },
      cipher: { name: 'aes-256-gcm', iv: iv.toString('hex'), tag: cipher.getAuthTag().toString('hex') },
      ciphertext: ciphertext.toString('hex'),
      ...(backupPending ? { backupPending: true } : {}),
    };
    await writeFileAtomic(this.#path, `${JSON.stringify(file, null, 2)}\n`);
    this.#file = file;
    this.#unlocked = key;
  }

  async unlock(passphrase: string): Promise<{ address: string }> {
    const locks = this.#locks;
    const phrase = await this.#decrypt(passphrase);
    // The lock came later than this unlock (another window, a script on a screen lock) and was answered: it stands.
    if (this.#locks !== locks) throw new DaomeshError('IDENTITY_LOCKED', 'The identity was locked while it was being unlocked.', 'Unlock it again if you mean to.');
    this.#unlocked = memberKeyFromPhrase(phrase);
    return { address: this.#unlocked.address };
  }

  lock(): void {
    this.#locks++;
    this.#unlocked?.privateKey.fill(0);
    this.#unlocked = null;
  }

  /** The recovery phrase, only against the passphrase. */
  async backup(passphrase: string): Promise<{ phrase: string }> {
    return { phrase: await this.#decrypt(passphrase) };
  }

  async #decrypt(passphrase: string): Promise<string> {
    const file = this.#file;
    if (file === null) throw new DaomeshError('NO_IDENTITY', 'This node has no member identity yet.', 'Create one or restore it from its recovery phrase.');
    const secret = await scrypt(passphrase, Buffer.from(file.kdf.salt, 'hex'), file.kdf);
    const decipher = createDecipheriv('aes-256-gcm', secret, Buffer.from(file.cipher.iv, 'hex'), { authTagLength: tagBytes });
    decipher.setAAD(Buffer.from(file.address));
    decipher.setAuthTag(Buffer.from(file.cipher.tag, 'hex'));
    let phrase: string;
    try {
      phrase = Buffer.concat([decipher.update(Buffer.from(file.ciphertext, 'hex')), decipher.final()]).toString('utf8');
    } catch {
      throw new DaomeshError('WRONG_PASSPHRASE', 'That passphrase does not unlock this identity.', 'Check it and try again; nothing was changed.');
    }
    if (memberKeyFromPhrase(phrase).address !== file.address) {
      throw new DaomeshError('CORRUPT_KEYSTORE', `The identity file ${this.#path} does not match its address.`);
    }
    return phrase;
  }
}

export function assertPassphraseStrength(passphrase: string): void {
  if (passphrase.length < 8) {
    throw new DaomeshError('WEAK_PASSPHRASE', 'The passphrase must have at least 8 characters.', 'A few unrelated words make a strong one.');
  }
}
