/**
 * Windows logsource data, transcribed from SigmaHQ's THOR mapping (sigma/tests/thor.yml):
 * the channel names the service, the (service, EventID) pair names the category.
 * Data only: read by formats/windows.ts; never read the YAML at run time.
 */

/** Lower-cased channel (without a `WinEventLog:` prefix) -> Sigma service. */
export const WINDOWS_CHANNEL_SERVICES: Readonly<Record<string, string>> = {
  application: 'application',
  security: 'security',
  system: 'system',
  'microsoft-windows-ntlm/operational': 'ntlm',
  'microsoft-windows-sysmon/operational': 'sysmon',
  'microsoft-windows-powershell/operational': 'powershell',
  'powershellcore/operational': 'powershell',
  'windows powershell': 'powershell-classic',
  'microsoft-windows-taskscheduler/operational': 'taskscheduler',
  'microsoft-windows-wmi-activity/operational': 'wmi',
  'microsoft-windows-dhcp-server/operational': 'dhcp',
  'microsoft-windows-printservice/admin': 'printservice-admin',
  'microsoft-windows-printservice/operational': 'printservice-operational',
  'microsoft-windows-smbclient/security': 'smbclient-security',
  'microsoft-windows-smbclient/connectivity': 'smbclient-connectivity',
  'microsoft-windows-smbserver/connectivity': 'smbserver-connectivity',
  'microsoft-windows-terminalservices-localsessionmanager/operational': 'terminalservices-localsessionmanager',
  'microsoft-windows-codeintegrity/operational': 'codeintegrity-operational',
  'microsoft-windows-applocker/msi and script': 'applocker',
  'microsoft-windows-applocker/exe and dll': 'applocker',
  'microsoft-windows-applocker/packaged app-deployment': 'applocker',
  'microsoft-windows-applocker/packaged app-execution': 'applocker',
  'msexchange management': 'msexchange-management',
  'microsoft-windows-windows defender/operational': 'windefend',
  'microsoft-windows-windows firewall with advanced security/firewall': 'firewall-as',
  'microsoft-windows-bits-client/operational': 'bits-client',
  'microsoft-windows-security-mitigations/kernel mode': 'security-mitigations',
  'microsoft-windows-security-mitigations/user mode': 'security-mitigations',
  'microsoft-windows-diagnosis-scripted/operational': 'diagnosis-scripted',
  'microsoft-windows-shell-core/operational': 'shell-core',
  'openssh/operational': 'openssh',
  'microsoft-windows-ldap-client/debug': 'ldap',
  'microsoft-windows-bitlocker/bitlocker management': 'bitlocker',
  'microsoft-windows-vhdmp/operational': 'vhdmp',
  'microsoft-windows-appxdeploymentserver/operational': 'appxdeployment-server',
  'microsoft-windows-lsa/operational': 'lsa-server',
  'microsoft-windows-appxpackaging/operational': 'appxpackaging-om',
  'microsoft-windows-dns client events/operational': 'dns-client',
  'microsoft-windows-appmodel-runtime/admin': 'appmodel-runtime',
  'microsoft-windows-capi2/operational': 'capi2',
  'microsoft-windows-certificateservicesclient-lifecycle-system/operational': 'certificateservicesclient-lifecycle-system',
  'microsoft-windows-kernel-shimengine/operational': 'kernel-shimengine',
  'microsoft-windows-kernel-shimengine/diagnostic': 'kernel-shimengine',
  'microsoft-windows-application-experience/program-telemetry': 'application-experience',
  'microsoft-windows-application-experience/program-compatibility-assistant': 'application-experience',
  'microsoft-windows-ntfs/operational': 'ntfs',
  'microsoft-windows-hyper-v-worker': 'hyper-v-worker',
  'microsoft-windows-kernel-eventtracing': 'kernel-event-tracing',
  'microsoft-windows-sense/operational': 'sense',
  'microsoft-servicebus-client/admin': 'servicebus-client',
  'microsoft-servicebus-client/operational': 'servicebus-client',
  'microsoft-iis-configuration/operational': 'iis-configuration',
  // Not in the THOR file but named by SigmaHQ rules:
  'microsoft-windows-dns-server/analytical': 'dns-server-analytic',
  'dns server': 'dns-server',
  'microsoft-windows-driverframeworks-usermode/operational': 'driver-framework',
  'microsoft-windows-terminalservices-remoteconnectionmanager/operational': 'terminalservices-remoteconnectionmanager',
  // Sysmon for Linux writes the Windows schema; the product becomes linux (see LINUX_CHANNELS).
  'linux-sysmon/operational': 'sysmon',
};

/** Channels whose events come from Linux hosts even though they use the Windows event schema. */
export const LINUX_CHANNELS: ReadonlySet<string> = new Set(['linux-sysmon/operational']);

/** Provider names that identify the channel when an event carries no Channel. */
export const WINDOWS_PROVIDER_SERVICES: Readonly<Record<string, string>> = {
  'microsoft-windows-sysmon': 'sysmon',
  'linux-sysmon': 'sysmon',
  'microsoft-windows-security-auditing': 'security',
  'microsoft-windows-powershell': 'powershell',
  powershell: 'powershell-classic',
  'service control manager': 'system',
  'microsoft-windows-eventlog': 'security',
  'microsoft-windows-taskscheduler': 'taskscheduler',
  'microsoft-windows-windows defender': 'windefend',
};

/** service -> EventID -> category. */
export const WINDOWS_EVENT_CATEGORIES: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  sysmon: {
    1: 'process_creation',
    2: 'file_change',
    3: 'network_connection',
    4: 'sysmon_status',
    5: 'process_termination',
    6: 'driver_load',
    7: 'image_load',
    8: 'create_remote_thread',
    9: 'raw_access_thread',
    10: 'process_access',
    11: 'file_event',
    12: 'registry_event',
    13: 'registry_set',
    14: 'registry_rename',
    15: 'create_stream_hash',
    16: 'sysmon_status',
    17: 'pipe_created',
    18: 'pipe_created',
    19: 'wmi_event',
    20: 'wmi_event',
    21: 'wmi_event',
    22: 'dns_query',
    23: 'file_delete',
    24: 'clipboard_change',
    25: 'process_tampering',
    26: 'file_delete_detected',
    27: 'file_block_executable',
    28: 'file_block_shredding',
    29: 'file_executable_detected',
    255: 'sysmon_error',
  },
  security: { 4688: 'process_creation' },
  powershell: { 4103: 'ps_module', 4104: 'ps_script' },
  'powershell-classic': { 400: 'ps_classic_start', 600: 'ps_classic_provider_start', 800: 'ps_classic_script' },
  windefend: {
    1006: 'antivirus', 1007: 'antivirus', 1008: 'antivirus', 1009: 'antivirus', 1010: 'antivirus', 1011: 'antivirus',
    1012: 'antivirus', 1017: 'antivirus', 1018: 'antivirus', 1019: 'antivirus', 1115: 'antivirus', 1116: 'antivirus',
  },
};

/** Sysmon 12 is split by its EventType (THOR: registry_add / registry_delete). */
export const SYSMON_REGISTRY_EVENT_TYPES: Readonly<Record<string, string>> = {
  createkey: 'registry_add',
  deletekey: 'registry_delete',
  deletevalue: 'registry_delete',
};

/**
 * Categories that are a specialisation of a broader SigmaHQ category: a rule for the parent must also see
 * events of the child (SigmaHQ `registry_event` covers Sysmon 12, 13 and 14). Exported for the Sigma engine.
 */
export const CATEGORY_PARENTS: Readonly<Record<string, string>> = {
  registry_add: 'registry_event',
  registry_delete: 'registry_event',
  registry_set: 'registry_event',
  registry_rename: 'registry_event',
};
