// What identity.create hands back, held until the user confirms they wrote the phrase down.
import type { BridgeResult } from '../../../core/bridge/api.ts';

export type NewRecoveryPhrase = BridgeResult<'identity.create'>;
