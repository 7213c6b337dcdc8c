export { AttackCatalog, AttackDataError, loadAttackCatalog, normalizeTechniqueId, DEFAULT_ATTACK_DATA_DIR } from './catalog';
export { mitigationsFor } from './mitigations';
export type { RankedMitigation, MitigationOptions } from './mitigations';
export type { Mitigation, SigmaTagMapping, Tactic, Technique } from './types';
