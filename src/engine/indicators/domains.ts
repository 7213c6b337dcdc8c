/** Registered domain: last two labels, three under a two-letter second level (co.uk, com.au). */
export function registeredDomain(name: string): string {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length <= 2) return labels.join('.');
  const sld = labels[labels.length - 2];
  const take = labels[labels.length - 1].length === 2 && (sld.length <= 3 || ['com', 'net', 'org', 'gov', 'edu', 'co', 'ac'].includes(sld)) ? 3 : 2;
  return labels.slice(-take).join('.');
}

