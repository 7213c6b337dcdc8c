/**
 * Quality gate for Lantern's own Sigma rule pack (`rules/`): every rule is valid Sigma v2
 * (checked against the official JSON schemas), uniquely identified, honestly tagged with
 * current ATT&CK v19 ids, and ships realistic positive and negative test events.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { normalizeRequestEvents } from '../src/engine/normalize';
import { loadRuleSet } from '../src/engine/sigma';
import { runRuleTests } from '../src/engine/sigma/rule-tests';
import { SHARED_DIR, sharedMissing } from './support/shared';

const RULES_DIR = path.resolve(__dirname, '../rules');
const SCHEMA_DIR = path.join(SHARED_DIR, 'sigma-spec/json-schema');
const SCENARIO_DIR = path.join(SHARED_DIR, 'cases/scenarios');
const ATTACK_FILE = path.join(SHARED_DIR, 'attack/misp-galaxy-v19.0/mitre-attack-pattern.json');

const AREAS = ['generic', 'linux', 'web', 'network', 'identity', 'cloud', 'windows', 'windows-audit', 'correlation'];
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];
const STATUSES = ['stable', 'test', 'experimental'];
const TAG_NAMESPACES = ['attack', 'cve', 'detection', 'car', 'tlp'];
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface PackRule {
  file: string;
  doc: JsonObject;
  isCorrelation: boolean;
  /** A Sigma filter (meta filter) document: it tunes other rules; its test events are removed or kept by it. */
  isFilter: boolean;
}

interface RuleTests {
  positive: unknown[];
  negative: unknown[];
}

function listRuleFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listRuleFiles(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    })
    .sort();
}

function loadPack(): PackRule[] {
  return listRuleFiles(RULES_DIR).map((file) => {
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    if (docs.length !== 1) throw new Error(`${file}: expected exactly one YAML document, found ${docs.length}`);
    const [parsed] = docs;
    if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0].message}`);
    const doc = parsed.toJS() as JsonObject;
    return { file, doc, isCorrelation: doc.correlation !== undefined, isFilter: doc.filter !== undefined };
  });
}

function testsFileOf(ruleFile: string): string {
  return ruleFile.replace(/\.ya?ml$/, '.tests.json');
}

function relative(file: string): string {
  return path.relative(RULES_DIR, file);
}

// ---- a JSON-schema subset validator: exactly the keywords the Sigma schemas use ----

type Schema = { [key: string]: unknown };

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: string, value: unknown): boolean {
  const actual = jsonType(value);
  if (expected === 'number') return actual === 'number' || actual === 'integer';
  return expected === actual;
}

function validate(schema: Schema, value: unknown, at = '$'): string[] {
  const errors: string[] = [];
  const push = (message: string): void => {
    errors.push(`${at}: ${message}`);
  };
  if (typeof schema.type === 'string' && !typeMatches(schema.type, value)) {
    push(`expected ${schema.type}, got ${jsonType(value)}`);
    return errors;
  }
  if ('const' in schema && schema.const !== value) push(`expected ${JSON.stringify(schema.const)}`);
  if (typeof value === 'string') {
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) push(`longer than ${schema.maxLength}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) push(`shorter than ${schema.minLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) push(`does not match ${schema.pattern}`);
    if (schema.format === 'uuid' && !/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(value)) push('not a uuid');
  }
  if (Array.isArray(value)) {
    if (schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) push('duplicate items');
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) push(`fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) push(`more than ${schema.maxItems} items`);
    if (schema.items && typeof schema.items === 'object') {
      value.forEach((item, i) => errors.push(...validate(schema.items as Schema, item, `${at}[${i}]`)));
    }
  }
  if (jsonType(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) push(`missing required "${key}"`);
    for (const [key, child] of Object.entries(object)) {
      if (properties[key]) errors.push(...validate(properties[key], child, `${at}.${key}`));
      else if (schema.additionalProperties === false) push(`unexpected property "${key}"`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        errors.push(...validate(schema.additionalProperties as Schema, child, `${at}.${key}`));
      }
    }
  }
  if (Array.isArray(schema.anyOf) && !(schema.anyOf as Schema[]).some((s) => validate(s, value, at).length === 0)) {
    push('matches none of anyOf');
  }
  if (Array.isArray(schema.oneOf) && (schema.oneOf as Schema[]).filter((s) => validate(s, value, at).length === 0).length !== 1) {
    push(`must match exactly one of ${(schema.oneOf as Schema[]).map((s) => JSON.stringify(s.const ?? s.type)).join(', ')}`);
  }
  for (const sub of (schema.allOf ?? []) as Schema[]) {
    if (sub.if && validate(sub.if as Schema, value, at).length > 0) continue;
    errors.push(...validate((sub.if ? sub.then : sub) as Schema, value, at));
  }
  return errors;
}

function loadSchema(name: string): Schema | undefined {
  const file = path.join(SCHEMA_DIR, name);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Schema) : undefined;
}

// ---- ATT&CK v19 vocabulary ----

interface AttackVocabulary {
  techniques: Set<string>;
  /** technique id -> tactic short names it belongs to */
  tacticsOf: Map<string, Set<string>>;
  retired: Set<string>;
  tactics: Set<string>;
}

interface GalaxyValue {
  description?: string;
  revoked?: boolean;
  meta?: { external_id?: string; kill_chain?: string[] };
}

function loadAttackVocabulary(): AttackVocabulary | undefined {
  if (!fs.existsSync(ATTACK_FILE)) return undefined;
  const galaxy = JSON.parse(fs.readFileSync(ATTACK_FILE, 'utf8')) as { values: GalaxyValue[] };
  const vocabulary: AttackVocabulary = { techniques: new Set(), tacticsOf: new Map(), retired: new Set(), tactics: new Set() };
  for (const value of galaxy.values) {
    const id = value.meta?.external_id?.toLowerCase();
    if (!id) continue;
    const retired = value.revoked === true || /^this object is deprecated/i.test(value.description ?? '');
    (retired ? vocabulary.retired : vocabulary.techniques).add(id);
    const tactics = vocabulary.tacticsOf.get(id) ?? new Set<string>();
    for (const phase of value.meta?.kill_chain ?? []) {
      const [matrix, tactic] = phase.split(':');
      if (!matrix.startsWith('attack-')) continue;
      vocabulary.tactics.add(tactic);
      tactics.add(tactic);
    }
    vocabulary.tacticsOf.set(id, tactics);
  }
  return vocabulary;
}

function tagProblems(tags: string[], vocabulary: AttackVocabulary): string[] {
  return tags.flatMap((tag) => {
    const [namespace, ...rest] = tag.split('.');
    const value = rest.join('.');
    if (!TAG_NAMESPACES.includes(namespace)) return [`unknown tag namespace in "${tag}"`];
    if (namespace !== 'attack') return [];
    if (/^t\d{4}(\.\d{3})?$/.test(value)) {
      if (vocabulary.retired.has(value)) return [`${tag} is revoked or deprecated in ATT&CK v19`];
      return vocabulary.techniques.has(value) ? [] : [`${tag} is not an ATT&CK v19 technique`];
    }
    if (/^[gs]\d{4}$/.test(value)) return [];
    return vocabulary.tactics.has(value) ? [] : [`${tag} is not an ATT&CK v19 tactic`];
  });
}

/** id -> file of every SigmaHQ rule (the rules our filters tune), or undefined without the corpus. */
function sigmaRuleFilesById(): Map<string, string> | undefined {
  const folders = ['rules', 'rules-threat-hunting', 'rules-emerging-threats', 'rules-compliance'].map((d) => path.join(SHARED_DIR, 'sigma', d));
  if (!fs.existsSync(folders[0])) return undefined;
  const byId = new Map<string, string>();
  for (const file of [...folders, RULES_DIR].flatMap(listRuleFiles)) {
    const id = /^id:\s*['"]?([0-9a-f-]{36})/m.exec(fs.readFileSync(file, 'utf8'))?.[1];
    if (id) byId.set(id, file);
  }
  return byId;
}

/**
 * A filter's tests file: `positive` events are ones the rules it names report and the filter removes,
 * `negative` events are near misses those rules still report with the filter applied.
 */
function filterTestProblems(r: PackRule, targets: Map<string, string>): string[] {
  const testsFile = testsFileOf(r.file);
  if (!fs.existsSync(testsFile)) return [`no ${path.basename(testsFile)}`];
  const tests = JSON.parse(fs.readFileSync(testsFile, 'utf8')) as RuleTests;
  const ids = ((r.doc.filter as JsonObject).rules ?? []) as string[];
  const missing = ids.filter((id) => !targets.has(id));
  if (missing.length > 0) return [`names rules not found: ${missing.join(', ')}`];
  if (!Array.isArray(tests.positive) || tests.positive.length === 0 || !Array.isArray(tests.negative) || tests.negative.length === 0) {
    return ['needs at least one positive and one negative event'];
  }
  const files = [...new Set(ids.map((id) => targets.get(id) as string))];
  const without = loadRuleSet(files);
  const withFilter = loadRuleSet([...files, r.file]);
  const fires = (ruleSet: ReturnType<typeof loadRuleSet>, raw: unknown): boolean =>
    normalizeRequestEvents({ events: [raw] }).events.some((e) => ruleSet.matchEvent(e).some((hit) => ids.includes(hit.id)));
  const out: string[] = [];
  tests.positive.forEach((raw, i) => {
    if (!fires(without, raw)) out.push(`positive[${i}] is not reported by the filtered rules even without the filter`);
    else if (fires(withFilter, raw)) out.push(`positive[${i}] is still reported with the filter`);
  });
  tests.negative.forEach((raw, i) => {
    if (!fires(withFilter, raw)) out.push(`negative[${i}] is no longer reported with the filter`);
  });
  return out;
}

// ---- the checks ----

const everything = loadPack();
const pack = everything.filter((r) => !r.isFilter);
const filters = everything.filter((r) => r.isFilter);
const detectionSchema = loadSchema('sigma-detection-rule-schema.json');
const correlationSchema = loadSchema('sigma-correlation-rules-schema.json');
const filterSchema = loadSchema('sigma-filters-schema.json');

describe('Lantern rule pack', () => {
  it('holds at least 80 rules, detection and correlation', () => {
    expect(pack.length).toBeGreaterThanOrEqual(80);
    expect(pack.filter((r) => r.isCorrelation).length).toBeGreaterThanOrEqual(10);
  });

  it('files every rule under a known area folder', () => {
    const misplaced = pack.map((r) => relative(r.file)).filter((f) => !AREAS.includes(f.split(path.sep)[0]));
    expect(misplaced).toEqual([]);
  });

  it('validates every rule against the official Sigma JSON schemas', () => {
    if (!detectionSchema || !correlationSchema) {
      sharedMissing('Sigma JSON schemas', SCHEMA_DIR);
      return;
    }
    const problems = pack.flatMap((r) =>
      validate(r.isCorrelation ? correlationSchema : detectionSchema, r.doc).map((e) => `${relative(r.file)} ${e}`),
    );
    expect(problems).toEqual([]);
  });

  it('gives every rule a fresh UUIDv4 id and a unique snake_case name matching its file name', () => {
    const problems: string[] = [];
    const ids = new Set<string>();
    const names = new Set<string>();
    for (const { file, doc } of pack) {
      const id = String(doc.id ?? '');
      const name = String(doc.name ?? '');
      if (!UUID_V4.test(id)) problems.push(`${relative(file)}: id "${id}" is not a UUIDv4`);
      if (ids.has(id)) problems.push(`${relative(file)}: duplicate id ${id}`);
      if (!SNAKE_CASE.test(name)) problems.push(`${relative(file)}: name "${name}" is not snake_case`);
      if (names.has(name)) problems.push(`${relative(file)}: duplicate name ${name}`);
      if (path.basename(file).replace(/\.ya?ml$/, '') !== name) problems.push(`${relative(file)}: file name differs from name "${name}"`);
      ids.add(id);
      names.add(name);
    }
    expect(problems).toEqual([]);
  });

  it('documents every rule: author Lantern, description, date, status, level, false positives', () => {
    const problems = pack.flatMap(({ file, doc }) => {
      const out: string[] = [];
      if (doc.author !== 'Lantern') out.push('author must be "Lantern"');
      if (typeof doc.description !== 'string' || doc.description.length < 30) out.push('description missing or too short');
      if (typeof doc.date !== 'string') out.push('date missing');
      if (!STATUSES.includes(String(doc.status))) out.push(`status "${String(doc.status)}" not one of ${STATUSES.join('/')}`);
      if (!LEVELS.includes(String(doc.level))) out.push(`level "${String(doc.level)}" invalid`);
      if (!Array.isArray(doc.falsepositives) || doc.falsepositives.length === 0) out.push('falsepositives missing');
      return out.map((p) => `${relative(file)}: ${p}`);
    });
    expect(problems).toEqual([]);
  });

  it('tags every rule with current ATT&CK v19 technique and tactic ids', () => {
    const vocabulary = loadAttackVocabulary();
    if (!vocabulary) {
      sharedMissing('ATT&CK galaxy', ATTACK_FILE);
      return;
    }
    const problems = pack.flatMap(({ file, doc }) => {
      const tags = (doc.tags ?? []) as string[];
      const out = tagProblems(tags, vocabulary);
      if (!tags.some((t) => /^attack\.t\d{4}/.test(t))) out.push('no ATT&CK technique tag');
      if (!tags.some((t) => /^attack\.[a-z]+(-[a-z]+)*$/.test(t))) out.push('no ATT&CK tactic tag');
      return out.map((p) => `${relative(file)}: ${p}`);
    });
    expect(problems).toEqual([]);
  });

  it('pairs every technique tag with one of its own tactics', () => {
    const vocabulary = loadAttackVocabulary();
    if (!vocabulary) {
      sharedMissing('ATT&CK galaxy', ATTACK_FILE);
      return;
    }
    const problems = pack.flatMap(({ file, doc }) => {
      const tags = ((doc.tags ?? []) as string[]).filter((t) => t.startsWith('attack.')).map((t) => t.slice(7));
      const tactics = new Set(tags.filter((t) => vocabulary.tactics.has(t)));
      return tags
        .filter((t) => /^t\d{4}/.test(t) && vocabulary.tacticsOf.has(t))
        .filter((t) => ![...(vocabulary.tacticsOf.get(t) ?? [])].some((tactic) => tactics.has(tactic)))
        .map((t) => `${relative(file)}: attack.${t} belongs to ${[...(vocabulary.tacticsOf.get(t) ?? [])].join('/')}, none of which is tagged`);
    });
    expect(problems).toEqual([]);
  });

  it('lets correlation rules reference only existing rules of the pack, by name', () => {
    const names = new Set(pack.map((r) => String(r.doc.name)));
    const problems = pack
      .filter((r) => r.isCorrelation)
      .flatMap(({ file, doc }) => {
        const correlation = doc.correlation as JsonObject;
        const refs = (correlation.rules ?? []) as string[];
        return refs.filter((ref) => !names.has(ref)).map((ref) => `${relative(file)}: unknown rule "${ref}"`);
      });
    expect(problems).toEqual([]);
  });

  it('ships a tests file with at least one positive and one negative for every rule', () => {
    const problems = pack.flatMap(({ file }) => {
      const testsFile = testsFileOf(file);
      if (!fs.existsSync(testsFile)) return [`${relative(file)}: no ${path.basename(testsFile)}`];
      const tests = JSON.parse(fs.readFileSync(testsFile, 'utf8')) as RuleTests;
      const out: string[] = [];
      if (!Array.isArray(tests.positive) || tests.positive.length === 0) out.push('no positive event');
      if (!Array.isArray(tests.negative) || tests.negative.length === 0) out.push('no negative event');
      return out.map((p) => `${relative(file)}: ${p}`);
    });
    expect(problems).toEqual([]);
  });

  it('has no orphan tests files', () => {
    const ruleFiles = new Set(everything.map((r) => testsFileOf(r.file)));
    const orphans: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.tests.json') && !ruleFiles.has(full)) orphans.push(relative(full));
      }
    };
    if (fs.existsSync(RULES_DIR)) walk(RULES_DIR);
    expect(orphans).toEqual([]);
  });
});

describe('Lantern rule filters', () => {
  it('validates every filter against the official Sigma filter schema, with a fresh id and its name as file name', () => {
    if (!filterSchema) {
      sharedMissing('Sigma JSON schemas', SCHEMA_DIR);
      return;
    }
    const problems = filters.flatMap((r) => {
      const out = validate(filterSchema, r.doc).map((e) => `${relative(r.file)} ${e}`);
      if (!UUID_V4.test(String(r.doc.id ?? ''))) out.push(`${relative(r.file)}: id is not a UUIDv4`);
      if (path.basename(r.file).replace(/\.ya?ml$/, '') !== r.doc.name) out.push(`${relative(r.file)}: file name differs from name`);
      if (r.doc.author !== 'Lantern' || typeof r.doc.description !== 'string') out.push(`${relative(r.file)}: author or description missing`);
      return out;
    });
    expect(problems).toEqual([]);
  });

  it('removes every positive test event from the rules it names and keeps every negative one', () => {
    const targets = sigmaRuleFilesById();
    if (!targets) {
      sharedMissing('SigmaHQ corpus', path.join(SHARED_DIR, 'sigma'));
      return;
    }
    const problems = filters.flatMap((r) => filterTestProblems(r, targets).map((p) => `${relative(r.file)}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('keeps the SigmaHQ missing-image-path rule for Sysmon events but not for generic events that name a bare program', () => {
    const target = path.join(SHARED_DIR, 'sigma/rules/windows/process_creation/proc_creation_win_susp_image_missing.yml');
    if (!fs.existsSync(target)) {
      sharedMissing('SigmaHQ rule', target);
      return;
    }
    const ruleSet = loadRuleSet([target, path.join(RULES_DIR, 'generic/filter_generic_bare_process_names.yml')]);
    expect(ruleSet.errors).toEqual([]);
    const { events } = normalizeRequestEvents({
      logs: [
        { timestamp: '2026-04-03T14:25:00Z', source: 'endpoint', action: 'process_create', host: 'srv-prod-01', process: 'whoami.exe', parent: 'cmd.exe', user: 'admin' },
        { timestamp: '2026-04-03T14:25:01Z', EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'ws1', Image: 'evil.exe', CommandLine: 'evil.exe' },
      ],
    });
    const hits = events.map((e) => ruleSet.matchEvent(e).map((r) => r.id));
    expect(hits[0]).toEqual([]);
    expect(hits[1]).toEqual(['71158e3f-df67-472b-930e-7d287acaa3e1']);
  });
});

describe('Lantern rule pack through the normaliser and the Sigma engine', () => {
  const report = runRuleTests([RULES_DIR]);

  it('loads every rule and filter file without errors', () => {
    expect(report.results.map((r) => relative(r.file)).sort()).toEqual(everything.map((r) => relative(r.file)).sort());
    expect(report.results.filter((r) => r.kind === 'filter').map((r) => relative(r.file)).sort()).toEqual(filters.map((r) => relative(r.file)).sort());
    const loadProblems = report.results.flatMap((r) => r.problems.filter((p) => p.startsWith('does not load')).map((p) => `${relative(r.file)}: ${p}`));
    expect(loadProblems).toEqual([]);
  });

  it('matches every positive test event (or batch) and none of the negatives; filters remove their positives and keep their negatives', () => {
    const failures = report.results.filter((r) => r.problems.length > 0).map((r) => `${relative(r.file)}: ${r.problems.join(' | ')}`);
    expect(failures).toEqual([]);
  });
});

/** The attack each shared scenario shows, as the pack's rules must name it (detections and correlations). */
const SCENARIO_FINDINGS: Record<string, string[]> = {
  'd1_api_doc_example.json': ['fw_inbound_ssh_from_internet', 'auth_privileged_login_from_internet', 'proc_whoami_execution'],
  'd2_rdp_bruteforce_backdoor_account.json': [
    'corr_win_logon_bruteforce',
    'corr_win_bruteforce_then_logon',
    'win_security_account_created_with_machine_suffix',
    'proc_net_localgroup_admin_add',
    'win_security_member_added_to_privileged_group',
    'corr_win_new_account_made_privileged',
  ],
  'd3_kerberoasting.json': ['corr_win_kerberoasting'],
  'd4_download_and_scheduled_task.json': [
    'proc_mshta_spawns_script_host',
    'proc_powershell_encoded_command',
    'proxy_executable_download_from_ip',
    'proc_schtasks_create_user_writable_path',
    'file_executable_dropped_in_public_folder',
  ],
  'd5_mfa_fatigue_okta.json': ['corr_okta_mfa_push_bombing', 'corr_okta_mfa_fatigue_then_success', 'corr_okta_mfa_factor_after_fatigue'],
  'd6_dns_tunnel_zeek.json': ['corr_dns_txt_tunnel', 'corr_dns_long_label_burst'],
};

describe('Lantern rule pack on the shared attack scenarios', () => {
  const available = fs.existsSync(SCENARIO_DIR);
  const ruleSet = loadRuleSet([RULES_DIR]);

  it.each(Object.entries(SCENARIO_FINDINGS))('names the attack in %s', (file, expected) => {
    if (!available) {
      sharedMissing('scenarios', SCENARIO_DIR);
      return;
    }
    const scenario = JSON.parse(fs.readFileSync(path.join(SCENARIO_DIR, file), 'utf8')) as { request: { events: Record<string, unknown> } };
    const { detections, correlations } = ruleSet.evaluate(normalizeRequestEvents(scenario.request.events).events);
    const fired = new Set([...detections, ...correlations].map((hit) => hit.rule.name));
    expect(expected.filter((name) => !fired.has(name))).toEqual([]);
  });

  it('stays quiet on the benign look-alikes inside the scenarios', () => {
    if (!available) return;
    const scenario = JSON.parse(fs.readFileSync(path.join(SCENARIO_DIR, 'd3_kerberoasting.json'), 'utf8')) as {
      request: { events: { logs: Array<Record<string, unknown>> } };
    };
    const aesOnly = scenario.request.events.logs.filter((event) => event.TicketEncryptionType !== '0x17');
    expect(aesOnly.length).toBeGreaterThan(0);
    const { detections, correlations } = ruleSet.evaluate(normalizeRequestEvents({ logs: aesOnly }).events);
    expect([...detections, ...correlations].map((hit) => hit.rule.name)).toEqual([]);
  });
});
