/** Public shapes of the ATT&CK catalog. Tactic names are the display names ATT&CK uses ("Credential Access"). */

export interface Tactic {
  /** TA#### */
  id: string;
  /** Kill-chain phase name as Sigma tags and STIX use it, e.g. `credential-access`. */
  shortName: string;
  /** Display name, e.g. `Credential Access`. */
  name: string;
  /** 1-based position in the Enterprise kill chain (Reconnaissance = 1 ... Impact = 15). */
  order: number;
  /** Former short/display names (e.g. TA0005 `defense-evasion` before v19 renamed it Stealth). */
  aliases: string[];
}

export interface Mitigation {
  /** M#### */
  id: string;
  name: string;
}

export interface Technique {
  /** T#### or T####.### (always the current id: revoked ids are resolved before lookup). */
  id: string;
  /** As ATT&CK displays it: "Brute Force: Password Guessing" for a sub-technique. */
  name: string;
  /** The technique's own name without its parent ("Password Guessing"). */
  shortName: string;
  /** Display names in kill-chain order. */
  tactics: string[];
  /** Kill-chain phase names in the same order as `tactics`. */
  tacticShortNames: string[];
  platforms: string[];
  mitigations: Mitigation[];
  isSubtechnique: boolean;
  /** Parent technique id of a sub-technique. */
  parent?: string;
  /** Deprecated by MITRE without a single replacement; `successors` lists the suggested techniques, if any. */
  deprecated: boolean;
  successors?: string[];
  url: string;
}

export interface SigmaTagMapping {
  /** Current technique ids, uppercase, in tag order, without duplicates. */
  techniques: string[];
  /** Tactic display names from tactic tags, in kill-chain order. */
  tactics: string[];
  /** `attack.*` tags that name no known technique or tactic (groups, software and data sources are not unknown). */
  unknown: string[];
}

/** The file written by scripts/build-attack-catalog.js. */
export interface AttackDataFile {
  format: number;
  domain: string;
  attackVersion: string;
  sources: string[];
  copyright: string;
  tactics: { id: string; shortName: string; name: string; order: number; aliases?: string[] }[];
  techniques: Record<string, AttackDataTechnique>;
  mitigations: Record<string, string>;
  replacements: Record<string, string>;
}

export interface AttackDataTechnique {
  name: string;
  tactics: string[];
  platforms: string[];
  parent?: string;
  mitigations?: string[];
  deprecated?: boolean;
  successors?: string[];
}
