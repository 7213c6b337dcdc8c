/** What the caller's context string says about the assets, read with plain keyword patterns. */
export interface ContextFactors {
  sensitive: string[];
  benign: string[];
  exposure: string[];
}

const SENSITIVE: [RegExp, string][] = [
  [/\bproduction\b|\bprod\b/i, 'production system'],
  [/\bpii\b|personal data|personally identifiable|customer data|gdpr/i, 'personal data'],
  [/domain controller|\bactive directory\b|\bad ds\b/i, 'domain controller'],
  [/payment|\bpci\b|cardholder|financ|banking/i, 'financial data'],
  [/health|\bphi\b|hipaa|patient/i, 'health data'],
  [/crown jewel|critical infrastructure|\bscada\b|\bics\b|\bot network/i, 'critical infrastructure'],
  [/secret|credential vault|key vault|\bhsm\b|certificate authority|\bpki\b/i, 'secrets store'],
  [/executive|\bceo\b|\bcfo\b|board member/i, 'executive account'],
  [/identity provider|\bidp\b|\bsso\b|okta|entra|azure ad/i, 'identity provider'],
];

const BENIGN: [RegExp, string][] = [
  [/\b(?:test|lab|sandbox|staging)\s+(?:environment|system|server|host|network)\b|\bhoneypot\b/i, 'non-production environment'],
  [/authori[sz]ed\s+(?:pen(?:etration)?\s*test|red\s*team|security test)|\bred team exercise\b/i, 'authorised security test'],
];

const EXPOSURE: [RegExp, string][] = [
  [/internet[- ]facing|exposed to the internet|public(?:ly)? (?:facing|exposed)|\bdmz\b/i, 'internet-exposed'],
];

function matches(text: string, table: [RegExp, string][]): string[] {
  return table.filter(([re]) => re.test(text)).map(([, label]) => label);
}

export function contextFactors(context: string | undefined): ContextFactors {
  const text = context ?? '';
  return { sensitive: matches(text, SENSITIVE), benign: matches(text, BENIGN), exposure: matches(text, EXPOSURE) };
}
