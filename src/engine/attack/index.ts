export { AttackCatalog, AttackDataError, loadAttackCatalog, normalizeTechniqueId, DEFAULT_ATTACK_DATA_DIR } from './catalog';
export type { Mitigation, SigmaTagMapping, Tactic, Technique } from './types';
