import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AttackDataFile, Mitigation, SigmaTagMapping, Tactic, Technique } from './types';

/** attack-data/ sits at the repository root; src/engine/attack and dist/engine/attack are both three levels down. */
export const DEFAULT_ATTACK_DATA_DIR = path.resolve(__dirname, '..', '..', '..', 'attack-data');
export const ATTACK_DATA_FILE = 'enterprise.json';

const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
/** Sigma tags for groups (g0016), software (s0002), data sources (ds0005), mitigations (m1036), campaigns (c0010). */
const NON_TECHNIQUE_ATTACK_TAG = /^(g|s|ds|m|c)\d{4}$/;

export class AttackDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttackDataError';
  }
}

export class AttackCatalog {
  readonly attackVersion: string;
  readonly copyright: string;
  private readonly tacticList: Tactic[];
  private readonly tacticIndex = new Map<string, Tactic>();
  private readonly techniqueCache = new Map<string, Technique>();

  constructor(private readonly data: AttackDataFile) {
    this.attackVersion = data.attackVersion;
    this.copyright = data.copyright;
    this.tacticList = data.tactics
      .map((t) => ({ id: t.id, shortName: t.shortName, name: t.name, order: t.order, aliases: t.aliases ?? [] }))
      .sort((a, b) => a.order - b.order);
    for (const t of this.tacticList) {
      for (const key of [t.id, t.shortName, t.name, ...t.aliases]) this.tacticIndex.set(tacticKey(key), t);
    }
  }

  /** Current id for any known technique id (revoked or deprecated ids map to their replacement); undefined if unknown. */
  resolve(id: string): string | undefined {
    const normalized = normalizeTechniqueId(id);
    if (!normalized) return undefined;
    const replacement = this.data.replacements[normalized];
    if (replacement) return replacement;
    return this.data.techniques[normalized] ? normalized : undefined;
  }

  /** The technique behind an id in any accepted spelling (`T1059.001`, `t1059.001`, `T1059/001`), revoked ids resolved. */
  technique(id: string): Technique | undefined {
    const current = this.resolve(id);
    if (!current) return undefined;
    const cached = this.techniqueCache.get(current);
    if (cached) return cached;
    const built = this.buildTechnique(current);
    this.techniqueCache.set(current, built);
    return built;
  }

  /** Every current technique, in id order. */
  techniques(): Technique[] {
    return Object.keys(this.data.techniques).map((id) => this.technique(id) as Technique);
  }

  /** Looks a tactic up by id (TA0006), short name (credential-access), display name or a former name (defense-evasion). */
  tactic(shortOrIdOrName: string): Tactic | undefined {
    return this.tacticIndex.get(tacticKey(shortOrIdOrName));
  }

  /** Enterprise tactics in kill-chain order. */
  tactics(): Tactic[] {
    return [...this.tacticList];
  }

  /** Kill-chain position (1 = Reconnaissance); unknown tactics sort after all known ones. */
  killChainOrder(tactic: string): number {
    return this.tactic(tactic)?.order ?? this.tacticList.length + 1;
  }

  mitigation(id: string): Mitigation | undefined {
    const key = id.trim().toUpperCase();
    const name = this.data.mitigations[key];
    return name ? { id: key, name } : undefined;
  }

  /**
   * The one tactic to show for a technique: the first of `preferred` (e.g. the tactics a Sigma rule is tagged with)
   * that the technique belongs to, else its earliest tactic in the kill chain.
   */
  tacticFor(techniqueId: string, preferred: string[] = []): string | undefined {
    const technique = this.technique(techniqueId);
    if (!technique) return undefined;
    const hinted = preferred.map((p) => this.tactic(p)?.name).find((name) => name && technique.tactics.includes(name));
    return hinted ?? technique.tactics[0];
  }

  /** Reads Sigma `attack.*` tags: techniques (resolved to current ids) and tactics (display names). */
  fromSigmaTags(tags: readonly string[]): SigmaTagMapping {
    const techniques: string[] = [];
    const tactics: Tactic[] = [];
    const unknown: string[] = [];
    for (const tag of tags) {
      const match = /^attack\.(.+)$/i.exec(tag.trim());
      if (!match) continue;
      const name = match[1].toLowerCase();
      if (NON_TECHNIQUE_ATTACK_TAG.test(name)) continue;
      if (/^t\d/.test(name)) {
        const id = this.resolve(name);
        if (!id) unknown.push(tag);
        else if (!techniques.includes(id)) techniques.push(id);
        continue;
      }
      const tactic = this.tactic(name);
      if (!tactic) unknown.push(tag);
      else if (!tactics.includes(tactic)) tactics.push(tactic);
    }
    tactics.sort((a, b) => a.order - b.order);
    return { techniques, tactics: tactics.map((t) => t.name), unknown };
  }

  private buildTechnique(id: string): Technique {
    const raw = this.data.techniques[id];
    const parent = raw.parent ? this.data.techniques[raw.parent] : undefined;
    const tactics = raw.tactics
      .map((short) => this.tactic(short))
      .filter((t): t is Tactic => t !== undefined)
      .sort((a, b) => a.order - b.order);
    const technique: Technique = {
      id,
      name: parent ? `${parent.name}: ${raw.name}` : raw.name,
      shortName: raw.name,
      tactics: tactics.map((t) => t.name),
      tacticShortNames: tactics.map((t) => t.shortName),
      platforms: [...raw.platforms],
      mitigations: (raw.mitigations ?? []).map((m) => ({ id: m, name: this.data.mitigations[m] ?? m })),
      isSubtechnique: raw.parent !== undefined,
      deprecated: raw.deprecated === true,
      url: `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`,
    };
    if (raw.parent) technique.parent = raw.parent;
    if (raw.successors) technique.successors = [...raw.successors];
    return technique;
  }
}

/** `t1059.001`, ` T1059/001 `, `attack.t1059.001` -> `T1059.001`; anything else -> undefined. */
export function normalizeTechniqueId(id: string): string | undefined {
  const candidate = id.trim().replace(/^attack\./i, '').replace('/', '.').toUpperCase();
  return TECHNIQUE_ID.test(candidate) ? candidate : undefined;
}

function tacticKey(value: string): string {
  return value.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

const cache = new Map<string, AttackCatalog>();

/** Loads (once per folder) the catalog written by `npm run attack-data`. */
export function loadAttackCatalog(dir: string = DEFAULT_ATTACK_DATA_DIR): AttackCatalog {
  const key = path.resolve(dir);
  const cached = cache.get(key);
  if (cached) return cached;
  const catalog = new AttackCatalog(readAttackData(path.join(key, ATTACK_DATA_FILE)));
  cache.set(key, catalog);
  return catalog;
}

export function readAttackData(file: string): AttackDataFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AttackDataError(`ATT&CK catalog not readable at ${file} (run \`npm run attack-data\`): ${errorMessage(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new AttackDataError(`ATT&CK catalog ${file} is not valid JSON: ${errorMessage(err)}`);
  }
  if (!isAttackDataFile(parsed)) throw new AttackDataError(`ATT&CK catalog ${file} has an unexpected shape`);
  return parsed;
}

function isAttackDataFile(value: unknown): value is AttackDataFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.format === 1 &&
    Array.isArray(v.tactics) &&
    isRecord(v.techniques) &&
    isRecord(v.mitigations) &&
    isRecord(v.replacements)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
