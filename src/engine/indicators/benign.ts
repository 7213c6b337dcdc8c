/**
 * Well-known benign infrastructure: public resolvers, OS/vendor update and telemetry endpoints.
 * These are never reported as attacker, c2 or exfiltration destination, whatever the rules say,
 * because adversaries do not control them (abused file-sharing hosts are deliberately NOT listed).
 */
const BENIGN_IPS = new Set([
  '8.8.8.8', '8.8.4.4', '1.1.1.1', '1.0.0.1', '9.9.9.9', '149.112.112.112',
  '208.67.222.222', '208.67.220.220', '2001:4860:4860::8888', '2001:4860:4860::8844',
  '2606:4700:4700::1111', '2606:4700:4700::1001',
]);

const BENIGN_DOMAIN_SUFFIXES = [
  'windowsupdate.com', 'update.microsoft.com', 'microsoft.com', 'windows.com', 'office.com',
  'office365.com', 'live.com', 'msftncsi.com', 'msftconnecttest.com', 'digicert.com', 'verisign.com',
  'globalsign.com', 'google.com', 'gstatic.com', 'googleapis.com', 'apple.com', 'icloud.com',
  'akamaiedge.net', 'in-addr.arpa', 'ip6.arpa', 'local', 'localhost',
  // Identity providers' and vendors' own sign-in, update and telemetry endpoints (not tenant-hosted content).
  'microsoftonline.com', 'microsoftonline-p.com', 'msauth.net', 'msftauth.net', 'msauthimages.net', 'login.windows.net',
  'msedge.net', 'bing.com', 'msn.com', 'skype.com', 'outlook.com', 'azure.com', 'microsoftazuread-sso.com',
  'google-analytics.com', 'googletagmanager.com', 'doubleclick.net', 'gvt1.com', 'gvt2.com',
  '1e100.net', 'youtube.com', 'ytimg.com', 'mozilla.org', 'mozilla.net', 'mozilla.com', 'ubuntu.com', 'canonical.com',
  'debian.org', 'fedoraproject.org', 'redhat.com', 'centos.org', 'snapcraft.io', 'apple-dns.net', 'mzstatic.com',
  'akamai.net', 'akamaihd.net', 'edgekey.net', 'edgesuite.net', 'adobe.com', 'zoom.us', 'salesforce.com',
  'linkedin.com', 'facebook.com', 'fbcdn.net', 'yahoo.com', 'amazon.com', 'ntp.org', 'letsencrypt.org', 'sectigo.com',
  'okta.com', 'oktacdn.com', 'duosecurity.com', 'crowdstrike.com', 'symantec.com', 'mcafee.com', 'sophos.com',
];

export function isBenignIp(ip: string): boolean {
  return BENIGN_IPS.has(ip.toLowerCase());
}

export function isBenignDomain(domain: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return BENIGN_DOMAIN_SUFFIXES.some((s) => d === s || d.endsWith(`.${s}`));
}
