#!/usr/bin/env node
/**
 * Builds Lantern's compact ATT&CK Enterprise catalog (attack-data/enterprise.json) from:
 *  - the MITRE ATT&CK v18.1 STIX 2.1 bundle (authoritative for deprecation, revocations and tactic ids), and
 *  - the MISP galaxy clusters derived from ATT&CK v19.0 (the version SigmaHQ tags use: tactics `stealth`
 *    and `defense-impairment`, techniques T1682-T1690, renamed techniques, v19 revocations).
 * v19 wins wherever it speaks; v18.1 fills what the MISP derivation loses (deprecation).
 * Only ids, names, tactics, platforms and links are kept: no descriptions or other prose.
 *
 * Usage: node scripts/build-attack-catalog.js [--source DIR] [--out DIR]
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_SOURCE = process.env.LANTERN_SHARED ? path.join(process.env.LANTERN_SHARED, 'attack') : path.resolve(__dirname, '..', '..', 'shared', 'attack');
const STIX_FILE = 'enterprise-attack-18.1.json.gz';
const MISP_DIR = 'misp-galaxy-v19.0';
const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
const MITIGATION_ID = /^M\d{4}$/;
const ENTERPRISE_KILL_CHAIN = /^attack-[^:]+:(.+)$/;

function parseArgs(argv) {
  const args = { source: process.env.LANTERN_ATTACK_SOURCE || DEFAULT_SOURCE, out: path.join(ROOT, 'attack-data') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--source') args.source = argv[++i];
    else if (argv[i] === '--out') args.out = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

function readJson(file) {
  const buf = fs.readFileSync(file);
  return JSON.parse(file.endsWith('.gz') ? zlib.gunzipSync(buf).toString('utf8') : buf.toString('utf8'));
}

function mitreId(stixObject) {
  const ref = (stixObject.external_references || []).find((r) => r.source_name === 'mitre-attack');
  return ref ? ref.external_id : undefined;
}

/** "Password Guessing - T1110.001" -> "Password Guessing" */
function mispName(value) {
  return value.replace(/ - [A-Z]+\d+(\.\d+)?$/, '');
}

function slug(name) {
  return name.toLowerCase().replace(/\s+/g, '-');
}

function uniq(list) {
  return [...new Set(list)];
}

// ---------------------------------------------------------------- STIX v18.1

function readStix(file) {
  const bundle = readJson(file);
  const byStixId = new Map(bundle.objects.map((o) => [o.id, o]));
  const techniques = new Map();
  const tactics = new Map();
  const mitigations = new Map();
  for (const o of bundle.objects) {
    const id = mitreId(o);
    if (!id) continue;
    if (o.type === 'attack-pattern') techniques.set(id, o);
    else if (o.type === 'x-mitre-tactic') tactics.set(id, o);
    else if (o.type === 'course-of-action') mitigations.set(id, o);
  }
  const revokedBy = new Map();
  const mitigates = [];
  for (const o of bundle.objects) {
    if (o.type !== 'relationship' || o.revoked || o.x_mitre_deprecated) continue;
    const source = byStixId.get(o.source_ref);
    const target = byStixId.get(o.target_ref);
    if (!source || !target) continue;
    if (o.relationship_type === 'revoked-by' && source.type === 'attack-pattern') {
      revokedBy.set(mitreId(source), mitreId(target));
    } else if (o.relationship_type === 'mitigates' && target.type === 'attack-pattern') {
      mitigates.push([mitreId(source), mitreId(target)]);
    }
  }
  return { techniques, tactics, mitigations, revokedBy, mitigates, modified: collectionModified(bundle) };
}

function collectionModified(bundle) {
  const collection = bundle.objects.find((o) => o.type === 'x-mitre-collection');
  return collection ? { name: collection.name, version: collection.x_mitre_version, modified: collection.modified } : {};
}

/**
 * Deprecated techniques point to their successors only in prose ("Please use [X](.../techniques/T1059)").
 * We keep just the ids: a single successor becomes a replacement, several become a list.
 */
function deprecationSuccessors(description) {
  const firstParagraph = (description || '').split('\n')[0];
  if (!/deprecated/i.test(firstParagraph)) return [];
  const ids = [...firstParagraph.matchAll(/attack\.mitre\.org\/techniques\/(T\d{4})(?:\/(\d{3}))?/g)].map((m) =>
    m[2] ? `${m[1]}.${m[2]}` : m[1],
  );
  return uniq(ids);
}

// ---------------------------------------------------------------- MISP v19.0

function readMisp(dir) {
  const patterns = readJson(path.join(dir, 'mitre-attack-pattern.json')).values;
  const courses = readJson(path.join(dir, 'mitre-course-of-action.json')).values;
  const galaxy = readJson(path.join(dir, 'galaxy-mitre-attack-pattern.json'));
  return { patterns, courses, killChainOrder: galaxy.kill_chain_order, version: galaxy.version };
}

/** Enterprise tactic order: PRE (reconnaissance, resource-development) first, then the platform matrices merged. */
function enterpriseTacticOrder(killChainOrder) {
  const keys = Object.keys(killChainOrder).filter((k) => k.startsWith('attack-'));
  keys.sort((a, b) => (a === 'attack-PRE' ? -1 : b === 'attack-PRE' ? 1 : 0));
  const order = [];
  for (const key of keys) {
    // Merge keeping each matrix's relative order: a tactic new to `order` goes right after its predecessor.
    const list = killChainOrder[key];
    list.forEach((tactic, i) => {
      if (order.includes(tactic)) return;
      const prev = i > 0 ? order.indexOf(list[i - 1]) : -1;
      order.splice(prev >= 0 ? prev + 1 : order.length, 0, tactic);
    });
  }
  return order;
}

function enterpriseTactics(order, mispPatterns, stix) {
  const candidates = mispPatterns.filter((v) => /^TA\d{4}$/.test(v.meta.external_id || ''));
  return order.map((shortName, i) => {
    const matches = candidates.filter((c) => slug(mispName(c.value)) === shortName);
    const chosen = matches.find((c) => stix.tactics.has(c.meta.external_id)) || (matches.length === 1 ? matches[0] : undefined);
    if (!chosen) throw new Error(`cannot identify the enterprise tactic "${shortName}" (${matches.length} candidates)`);
    const id = chosen.meta.external_id;
    const name = mispName(chosen.value);
    const previous = stix.tactics.get(id);
    const aliases = previous && previous.x_mitre_shortname !== shortName ? [previous.x_mitre_shortname, previous.name] : [];
    return { id, shortName, name, order: i + 1, ...(aliases.length ? { aliases } : {}) };
  });
}

function enterpriseTacticsOf(pattern) {
  return uniq((pattern.meta.kill_chain || []).map((k) => ENTERPRISE_KILL_CHAIN.exec(k)).filter(Boolean).map((m) => m[1]));
}

// ---------------------------------------------------------------- catalog

function buildTechniques(misp, stix, tacticOrder) {
  const byUuid = new Map(misp.patterns.map((v) => [v.uuid, v]));
  const rank = new Map(tacticOrder.map((t, i) => [t, i]));
  const live = new Map();
  const revoked = new Map();
  for (const v of misp.patterns) {
    const id = v.meta.external_id;
    if (!TECHNIQUE_ID.test(id || '')) continue;
    const tactics = enterpriseTacticsOf(v).filter((t) => rank.has(t));
    const stixObject = stix.techniques.get(id);
    if (!tactics.length && !stixObject) continue; // mobile or PRE-ATT&CK only
    const revokedTo = (v.related || []).find((r) => r.type === 'revoked-by');
    if (v.revoked || revokedTo || (stixObject && stixObject.revoked)) {
      const target = revokedTo ? byUuid.get(revokedTo['dest-uuid']) : undefined;
      revoked.set(id, target ? target.meta.external_id : stix.revokedBy.get(id));
      continue;
    }
    tactics.sort((a, b) => rank.get(a) - rank.get(b));
    live.set(id, {
      name: mispName(v.value),
      tactics,
      platforms: v.meta.mitre_platforms || (stixObject ? stixObject.x_mitre_platforms : []) || [],
      uuid: v.uuid,
      stixObject,
    });
  }
  // Techniques the STIX bundle knows but the MISP derivation lost (none expected, but never drop data silently).
  for (const [id, o] of stix.techniques) {
    if (live.has(id) || revoked.has(id)) continue;
    if (o.revoked) {
      revoked.set(id, stix.revokedBy.get(id));
      continue;
    }
    const tactics = (o.kill_chain_phases || []).map((p) => p.phase_name).filter((t) => rank.has(t));
    live.set(id, { name: o.name, tactics, platforms: o.x_mitre_platforms || [], stixObject: o });
  }
  return { live, revoked };
}

function resolveChain(id, revoked, live) {
  const seen = new Set();
  let current = id;
  while (revoked.has(current) && !seen.has(current)) {
    seen.add(current);
    current = revoked.get(current);
    if (!current) return undefined;
  }
  return live.has(current) ? current : undefined;
}

function buildCatalog(stix, misp) {
  const tacticOrder = enterpriseTacticOrder(misp.killChainOrder);
  const tactics = enterpriseTactics(tacticOrder, misp.patterns, stix);
  const { live, revoked } = buildTechniques(misp, stix, tacticOrder);

  const replacements = {};
  const unresolved = [];
  for (const id of [...revoked.keys()].sort()) {
    const to = resolveChain(id, revoked, live);
    if (to) replacements[id] = to;
    else unresolved.push(id);
  }

  const deprecatedSuccessors = new Map();
  for (const [id, t] of live) {
    if (!t.stixObject || !t.stixObject.x_mitre_deprecated) continue;
    const successors = deprecationSuccessors(t.stixObject.description)
      .map((s) => resolveChain(s, revoked, live) || s)
      .filter((s) => live.has(s) && s !== id);
    deprecatedSuccessors.set(id, successors);
    if (successors.length === 1) replacements[id] = successors[0];
  }

  const mitigationNames = new Map();
  const mitigationsOf = new Map();
  const uuidToTechnique = new Map([...live].filter(([, t]) => t.uuid).map(([id, t]) => [t.uuid, id]));
  for (const c of misp.courses) {
    const mid = c.meta.external_id;
    if (!MITIGATION_ID.test(mid || '')) continue;
    const stixCourse = stix.mitigations.get(mid);
    if (c.revoked || (stixCourse && (stixCourse.revoked || stixCourse.x_mitre_deprecated))) continue;
    for (const r of c.related || []) {
      const tid = r.type === 'mitigates' ? uuidToTechnique.get(r['dest-uuid']) : undefined;
      if (!tid) continue;
      mitigationNames.set(mid, mispName(c.value));
      if (!mitigationsOf.has(tid)) mitigationsOf.set(tid, new Set());
      mitigationsOf.get(tid).add(mid);
    }
  }

  const techniques = {};
  for (const id of [...live.keys()].sort(compareIds)) {
    const t = live.get(id);
    const parent = id.includes('.') ? id.split('.')[0] : undefined;
    const entry = { name: t.name, tactics: t.tactics, platforms: [...t.platforms].sort() };
    if (parent) entry.parent = parent;
    const mitigations = [...(mitigationsOf.get(id) || [])].sort();
    if (mitigations.length) entry.mitigations = mitigations;
    if (deprecatedSuccessors.has(id)) {
      entry.deprecated = true;
      const successors = deprecatedSuccessors.get(id);
      if (successors.length > 1) entry.successors = successors;
    }
    techniques[id] = entry;
  }
  const mitigations = Object.fromEntries([...mitigationNames].sort(([a], [b]) => a.localeCompare(b)));
  return { tactics, techniques, mitigations, replacements, unresolved };
}

function compareIds(a, b) {
  return a.localeCompare(b, 'en', { numeric: true });
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const stix = readStix(path.join(args.source, STIX_FILE));
  const misp = readMisp(path.join(args.source, MISP_DIR));
  const { tactics, techniques, mitigations, replacements, unresolved } = buildCatalog(stix, misp);
  for (const [id, t] of Object.entries(techniques)) {
    if (t.parent && !techniques[t.parent]) throw new Error(`${id}: parent ${t.parent} missing`);
    if (!t.tactics.length && !t.deprecated) throw new Error(`${id}: no enterprise tactic`);
  }
  const catalog = {
    format: 1,
    domain: 'enterprise-attack',
    attackVersion: '19.0',
    sources: [
      `MITRE ATT&CK Enterprise ${stix.modified.version || '18.1'} STIX 2.1 (modified ${stix.modified.modified || 'unknown'})`,
      'MISP galaxy mitre-attack-pattern / mitre-course-of-action clusters derived from ATT&CK v19.0',
    ],
    copyright:
      '© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.',
    license: 'attack-data/NOTICE.md',
    tactics,
    techniques,
    mitigations,
    replacements,
  };
  fs.mkdirSync(args.out, { recursive: true });
  const target = path.join(args.out, 'enterprise.json');
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(catalog)}\n`);
  fs.renameSync(tmp, target);
  fs.writeFileSync(path.join(args.out, 'NOTICE.md'), attributionNotice(catalog.copyright));
  const size = fs.statSync(target).size;
  process.stdout.write(
    `attack-data: ${Object.keys(techniques).length} techniques, ${tactics.length} tactics, ` +
      `${Object.keys(mitigations).length} mitigations, ${Object.keys(replacements).length} replacements ` +
      `(${unresolved.length} revoked ids without an enterprise successor) -> ${path.relative(ROOT, target)} (${size} bytes)\n`,
  );
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`build-attack-catalog: ${err.message}\n`);
    process.exitCode = 1;
  }
}

module.exports = { buildCatalog, enterpriseTacticOrder, deprecationSuccessors };

/**
 * MITRE's terms ask that copies of ATT&CK carry its copyright designation and licence. The catalog
 * holds ids, names and links only; this notice names the owner and where the licence terms are
 * (the licence file ships with the ATT&CK release the catalog is built from), without copying them.
 */
function attributionNotice(copyright) {
  return [
    '# ATT&CK attribution',
    '',
    '`enterprise.json` is derived by `scripts/build-attack-catalog.js` from MITRE ATT&CK (Enterprise STIX',
    'release plus the v19 MISP galaxy): technique, tactic and mitigation ids, names, platforms and links only.',
    '',
    copyright,
    '',
    'ATT&CK® is a registered trademark of The MITRE Corporation. Use is subject to the ATT&CK Terms of Use',
    '(https://attack.mitre.org/resources/legal-and-branding/terms-of-use/); the licence text ships as',
    '`LICENSE.txt` with the ATT&CK release the catalog is built from.',
    '',
  ].join('\n');
}
