import type { EventEntities } from '../model';

/**
 * THE field-mapping data of the normaliser. Every format's Sigma-taxonomy aliases and the entity sources live
 * here, so a reader can see in one place which source field feeds which Sigma field.
 *
 * An alias is only written when the event does not already carry that field (original values always win).
 * Sources are tried in order; the first present, non-empty value is used. A source is a field path (a literal
 * key first, else a dotted path into nested objects) or a `join` of several paths.
 */
export type AliasSource = string | { readonly join: readonly string[]; readonly sep: string };
export type AliasTable = Readonly<Record<string, readonly AliasSource[]>>;

const GENERIC_SRC_IP = ['src_ip', 'srcip', 'source_ip', 'sourceip', 'src', 'client_ip', 'clientip', 'remote_ip', 'remote_addr', 'ip_address', 'ipaddress', 'ip', 'source.ip', 'sourceIp', 'srcIp', 'clientIp', 'source_address', 'src_addr'];
const GENERIC_DST_IP = ['dst_ip', 'dstip', 'dest_ip', 'destip', 'destination_ip', 'dst', 'dest', 'server_ip', 'target_ip', 'destination.ip', 'dstIp', 'destIp', 'destinationIp', 'destination_address', 'dst_addr'];
const GENERIC_SRC_PORT = ['src_port', 'srcport', 'source_port', 'sport', 'srcPort', 'sourcePort', 'client_port'];
const GENERIC_DST_PORT = ['dst_port', 'dstport', 'dest_port', 'destport', 'destination_port', 'dport', 'port', 'dstPort', 'destPort', 'destinationPort', 'server_port'];
const GENERIC_USER = ['user', 'username', 'user_name', 'userName', 'account', 'account_name', 'accountName', 'login', 'src_user', 'actor'];
const GENERIC_TARGET_USER = ['target_user', 'targetUser', 'target_username', 'target_user_name', 'dst_user', 'target_account', 'new_user', 'member', 'recipient', 'rcpt_to'];
const GENERIC_HOST = ['host', 'hostname', 'host_name', 'computer', 'computer_name', 'computerName', 'device', 'device_name', 'machine', 'endpoint', 'server', 'agent_hostname'];
/** Full paths first: Sigma rules match on `\\name.exe` endings, which a bare name cannot give. */
const GENERIC_PROCESS = ['process_path', 'image_path', 'executable', 'exe', 'image', 'process', 'process_name', 'processName', 'program', 'proc', 'binary', 'new_process', 'file_name_executed'];
const GENERIC_PARENT = ['parent_path', 'parent_process_path', 'parent_image', 'parentImage', 'parent', 'parent_process', 'parentProcess', 'parent_process_name', 'parent_name', 'pprocess'];
const GENERIC_CMDLINE = ['command_line', 'commandline', 'commandLine', 'cmdline', 'cmd_line', 'cmd', 'command', 'process_command_line', 'args'];

const DEFENDER_DETECTION: AliasTable = {
  Signature: ['Threat Name', 'ThreatName'],
  Filename: ['Path'],
  Image: ['Process Name', 'ProcessName'],
  User: ['Detection User', 'DetectionUser'],
};

export const FIELD_ALIASES: Readonly<Record<string, AliasTable>> = {
  /** The API document's own events and their common synonyms (see README: bare process names stay bare). */
  generic: {
    Image: GENERIC_PROCESS,
    CommandLine: GENERIC_CMDLINE,
    ParentImage: GENERIC_PARENT,
    ParentCommandLine: ['parent_command_line', 'parent_cmdline', 'parentCommandLine', 'parent_commandline'],
    ProcessId: ['pid', 'process_id', 'processId'],
    ParentProcessId: ['ppid', 'parent_pid', 'parent_process_id', 'parentProcessId'],
    User: GENERIC_USER,
    TargetUserName: GENERIC_TARGET_USER,
    SubjectUserName: GENERIC_USER,
    Computer: GENERIC_HOST,
    src_ip: GENERIC_SRC_IP,
    dst_ip: GENERIC_DST_IP,
    src_port: GENERIC_SRC_PORT,
    dst_port: GENERIC_DST_PORT,
    SourceIp: ['src_ip', ...GENERIC_SRC_IP],
    DestinationIp: ['dst_ip', ...GENERIC_DST_IP],
    SourcePort: ['src_port', ...GENERIC_SRC_PORT],
    DestinationPort: ['dst_port', ...GENERIC_DST_PORT],
    IpAddress: ['src_ip', ...GENERIC_SRC_IP],
    Protocol: ['protocol', 'proto', 'transport'],
    DestinationHostname: ['dst_host', 'dest_host', 'destination_host', 'dst_hostname', 'remote_host', 'server_name'],
    QueryName: ['query', 'dns_query', 'qname', 'query_name', 'queryName', 'question'],
    TargetFilename: ['file', 'file_path', 'filepath', 'filename', 'file_name', 'target_file', 'targetFilename', 'attachment', 'attachment_name'],
    TargetObject: ['registry_key', 'reg_key', 'registry_path', 'registryKey', 'key_path', 'registry'],
    Details: ['registry_value', 'reg_value', 'value_data'],
    Hashes: ['hashes'],
    LogonType: ['logon_type', 'logonType'],
    ServiceName: ['service_name', 'serviceName'],
    ImagePath: ['service_path', 'service_file', 'service_binary'],
    TaskName: ['task_name', 'taskName', 'task'],
    EventID: ['event_id', 'eventid', 'eventId', 'event_code'],
    'c-uri': ['url', 'uri', 'request_url', 'requestUrl', 'full_url'],
    'cs-method': ['method', 'http_method', 'request_method', 'verb'],
    'sc-status': ['status', 'status_code', 'http_status', 'response_code', 'statusCode'],
    'c-useragent': ['user_agent', 'useragent', 'userAgent', 'http_user_agent', 'ua'],
    'cs-user-agent': ['user_agent', 'useragent', 'userAgent', 'http_user_agent', 'ua'],
    'cs-referer': ['referer', 'referrer', 'http_referer'],
    query: ['query', 'dns_query', 'qname', 'query_name', 'queryName'],
    record_type: ['record_type', 'qtype', 'query_type', 'qtype_name'],
    answer: ['answer', 'answers', 'response', 'resolved_ip'],
    action: ['action', 'disposition', 'verdict'],
  },

  /** Entra ID sign-ins: SigmaHQ `azure/signinlogs` names, filled from Graph, diagnostic-export and Log Analytics shapes. */
  'entra_id:signinlogs': {
    ResultType: ['resultType', 'status.errorCode', 'properties.status.errorCode', 'Status.errorCode'],
    ResultDescription: ['resultDescription', 'status.failureReason', 'properties.status.failureReason', 'Status.failureReason'],
    UserPrincipalName: ['userPrincipalName', 'properties.userPrincipalName', 'identity'],
    Username: ['UserPrincipalName', 'userPrincipalName', 'properties.userPrincipalName'],
    IPAddress: ['ipAddress', 'callerIpAddress', 'properties.ipAddress'],
    AppDisplayName: ['appDisplayName', 'properties.appDisplayName'],
    ResourceDisplayName: ['resourceDisplayName', 'properties.resourceDisplayName'],
    ClientApp: ['clientAppUsed', 'ClientAppUsed', 'properties.clientAppUsed'],
    AuthenticationRequirement: ['authenticationRequirement', 'properties.authenticationRequirement'],
    conditionalAccessStatus: ['ConditionalAccessStatus', 'properties.conditionalAccessStatus'],
    RiskState: ['riskState', 'properties.riskState'],
    RiskLevelDuringSignIn: ['riskLevelDuringSignIn', 'properties.riskLevelDuringSignIn'],
    DeviceDetail: ['deviceDetail', 'properties.deviceDetail'],
    NetworkLocationDetails: ['networkLocationDetails', 'properties.networkLocationDetails'],
    Location: ['location', 'properties.location'],
    Status: ['status', 'properties.status'],
    userAgent: ['UserAgent', 'properties.userAgent'],
  },
  /** Entra ID audit logs: SigmaHQ `azure/auditlogs` names. */
  'entra_id:auditlogs': {
    OperationName: ['operationName', 'activityDisplayName', 'properties.activityDisplayName', 'ActivityDisplayName'],
    ActivityDisplayName: ['activityDisplayName', 'properties.activityDisplayName', 'OperationName', 'operationName'],
    Category: ['properties.category', 'category'],
    Result: ['result', 'properties.result', 'resultType'],
    Status: ['result', 'properties.result', 'Result'],
    LoggedByService: ['loggedByService', 'properties.loggedByService'],
    TargetResources: ['targetResources', 'properties.targetResources'],
    InitiatedBy: ['initiatedBy', 'properties.initiatedBy'],
    InitiatedByUser: [
      'initiatedBy.user.userPrincipalName', 'properties.initiatedBy.user.userPrincipalName', 'InitiatedBy.user.userPrincipalName',
      'initiatedBy.app.displayName', 'properties.initiatedBy.app.displayName', 'InitiatedBy.app.displayName', 'identity',
    ],
    IPAddress: ['initiatedBy.user.ipAddress', 'properties.initiatedBy.user.ipAddress', 'InitiatedBy.user.ipAddress', 'callerIpAddress'],
  },

  /** Azure activity logs: SigmaHQ `azure/activitylogs` rules use `operationName` and the Log Analytics `*Value` names. */
  'entra_id:activitylogs': {
    operationName: ['OperationNameValue', 'OperationName', 'operationName.value', 'properties.operationName'],
    OperationNameValue: ['operationName', 'OperationName', 'operationName.value'],
    CategoryValue: ['category', 'Category', 'category.value'],
    ResourceProviderValue: ['resourceProviderName.value', 'ResourceProvider', 'resourceProviderName'],
    ResourceId: ['resourceId', '_ResourceId'],
    ActivityStatusValue: ['resultType', 'status.value', 'ResultType'],
    Caller: ['caller', 'identity.claims.name'],
    IPAddress: ['CallerIpAddress', 'callerIpAddress', 'httpRequest.clientIpAddress'],
  },

  /** Defender advanced hunting: network, registry, logon and host columns -> Sysmon / Security names. */
  m365_defender: {
    Computer: ['DeviceName'],
    SourceIp: ['LocalIP'],
    SourcePort: ['LocalPort'],
    DestinationIp: ['RemoteIP'],
    DestinationPort: ['RemotePort'],
    DestinationHostname: ['RemoteUrl'],
    Protocol: ['Protocol'],
    TargetObject: [{ join: ['RegistryKey', 'RegistryValueName'], sep: '\\' }, 'RegistryKey'],
    Details: ['RegistryValueData'],
    LogonType: ['LogonType'],
    IpAddress: ['RemoteIP'],
  },

  /** Zeek logs keep their names (`id.orig_h`, `query`, ...); these add the SigmaHQ network and web names. */
  zeek: {
    src_ip: ['id.orig_h'],
    dst_ip: ['id.resp_h'],
    src_port: ['id.orig_p'],
    dst_port: ['id.resp_p'],
    SourceIp: ['id.orig_h'],
    DestinationIp: ['id.resp_h'],
    SourcePort: ['id.orig_p'],
    DestinationPort: ['id.resp_p'],
    Protocol: ['proto'],
    QueryName: ['query'],
    record_type: ['qtype_name'],
    answer: ['answers'],
  },
  'zeek:http': {
    'c-uri': ['uri'],
    'cs-uri': ['uri'],
    'cs-host': ['host'],
    'cs-method': ['method'],
    'sc-status': ['status_code'],
    'c-useragent': ['user_agent'],
    'cs-user-agent': ['user_agent'],
    'cs-referer': ['referrer'],
  },
  /** Suricata EVE: SigmaHQ firewall/network and web names. */
  suricata: {
    src_ip: ['src_ip'],
    dst_ip: ['dest_ip'],
    src_port: ['src_port'],
    dst_port: ['dest_port'],
    SourceIp: ['src_ip'],
    DestinationIp: ['dest_ip'],
    SourcePort: ['src_port'],
    DestinationPort: ['dest_port'],
    Protocol: ['proto', 'app_proto'],
    query: ['dns.rrname', 'dns.queries.0.rrname'],
    QueryName: ['dns.rrname', 'dns.queries.0.rrname'],
    record_type: ['dns.rrtype', 'dns.queries.0.rrtype'],
    answer: ['dns.rdata', 'dns.answers.0.rdata'],
    'c-uri': ['http.url'],
    'cs-host': ['http.hostname'],
    'cs-method': ['http.http_method'],
    'sc-status': ['http.status'],
    'c-useragent': ['http.http_user_agent'],
    'cs-referer': ['http.http_refer'],
    signature: ['alert.signature'],
  },

  /** Elastic Common Schema: nested (or dotted) ECS fields -> Sigma names. */
  ecs: {
    Image: ['process.executable', 'process.name'],
    OriginalFileName: ['process.pe.original_file_name'],
    CommandLine: ['process.command_line'],
    ProcessId: ['process.pid'],
    ParentImage: ['process.parent.executable', 'process.parent.name'],
    ParentCommandLine: ['process.parent.command_line'],
    ParentProcessId: ['process.parent.pid'],
    CurrentDirectory: ['process.working_directory'],
    User: [{ join: ['user.domain', 'user.name'], sep: '\\' }, 'user.name'],
    TargetUserName: ['user.target.name'],
    Computer: ['host.name', 'host.hostname'],
    src_ip: ['source.ip', 'client.ip'],
    dst_ip: ['destination.ip', 'server.ip'],
    src_port: ['source.port', 'client.port'],
    dst_port: ['destination.port', 'server.port'],
    SourceIp: ['source.ip', 'client.ip'],
    DestinationIp: ['destination.ip', 'server.ip'],
    SourcePort: ['source.port', 'client.port'],
    DestinationPort: ['destination.port', 'server.port'],
    IpAddress: ['source.ip', 'client.ip'],
    DestinationHostname: ['destination.domain', 'server.domain'],
    Protocol: ['network.transport', 'network.protocol'],
    QueryName: ['dns.question.name'],
    query: ['dns.question.name'],
    record_type: ['dns.question.type'],
    TargetFilename: ['file.path', 'file.name'],
    TargetObject: ['registry.path', 'registry.key'],
    Details: ['registry.data.strings.0'],
    EventID: ['event.code'],
    'c-uri': ['url.full', 'url.original'],
    'cs-uri-stem': ['url.path'],
    'cs-uri-query': ['url.query'],
    'cs-host': ['url.domain'],
    'cs-method': ['http.request.method'],
    'sc-status': ['http.response.status_code'],
    'c-useragent': ['user_agent.original'],
    'cs-user-agent': ['user_agent.original'],
    'cs-referer': ['http.request.referrer'],
    action: ['event.action'],
  },

  /** Every Windows event: the Sigma name of the provider (SigmaHQ system/application rules key on Provider_Name). */
  windows: {
    Provider_Name: ['Provider', 'ProviderName', 'SourceName', 'provider_name'],
  },

  /** Windows events that name a field differently from the Sysmon schema the Sigma taxonomy uses. */
  'windows:security:4688': {
    Image: ['NewProcessName'],
    ParentImage: ['ParentProcessName'],
    ProcessId: ['NewProcessId'],
    ParentProcessId: ['ProcessId'],
    User: [{ join: ['SubjectDomainName', 'SubjectUserName'], sep: '\\' }, 'SubjectUserName'],
    IntegrityLevel: ['MandatoryLabel'],
  },
  'windows:security:5156': {
    SourceIp: ['SourceAddress'],
    DestinationIp: ['DestAddress'],
    SourcePort: ['SourcePort'],
    DestinationPort: ['DestPort'],
    Image: ['Application'],
  },
  'windows:security:4624': { WorkstationName: ['Workstation'] },
  /** Defender detections: THOR maps `Signature` <- threat name, `Filename` <- path (SigmaHQ antivirus rules). */
  'windows:windefend:1006': DEFENDER_DETECTION,
  'windows:windefend:1007': DEFENDER_DETECTION,
  'windows:windefend:1008': DEFENDER_DETECTION,
  'windows:windefend:1009': DEFENDER_DETECTION,
  'windows:windefend:1010': DEFENDER_DETECTION,
  'windows:windefend:1011': DEFENDER_DETECTION,
  'windows:windefend:1012': DEFENDER_DETECTION,
  'windows:windefend:1015': DEFENDER_DETECTION,
  'windows:windefend:1017': DEFENDER_DETECTION,
  'windows:windefend:1018': DEFENDER_DETECTION,
  'windows:windefend:1019': DEFENDER_DETECTION,
  'windows:windefend:1115': DEFENDER_DETECTION,
  'windows:windefend:1116': DEFENDER_DETECTION,
  'windows:windefend:1117': DEFENDER_DETECTION,
  'windows:system:7045': { TargetFilename: ['ImagePath'] },
  /** Application-log rules (MSSQL, MSI, WER...) search the unnamed `Data`; a rendered-only export keeps it in `Message`. */
  'windows:application': { Data: ['Message'] },
  /** Classic PowerShell events: SigmaHQ ps_classic rules search `Data`, which exports that keep only the rendered
   *  `Message` lose (the message carries the same context block: HostApplication=..., EngineVersion=...). */
  'windows:powershell-classic:400': { Data: ['Message'] },
  'windows:powershell-classic:403': { Data: ['Message'] },
  'windows:powershell-classic:600': { Data: ['Message'] },
  'windows:powershell-classic:800': { Data: ['Message'] },
  /** Service Control Manager messages carry their inserts unnamed (param1..N): name the service where the message puts it. */
  'windows:system:7000': { ServiceName: ['param1'], ErrorText: ['param2'] },
  'windows:system:7009': { Timeout: ['param1'], ServiceName: ['param2'] },
  'windows:system:7011': { Timeout: ['param1'], ServiceName: ['param2'] },
  'windows:system:7022': { ServiceName: ['param1'] },
  'windows:system:7023': { ServiceName: ['param1'], ErrorText: ['param2'] },
  'windows:system:7024': { ServiceName: ['param1'], ErrorText: ['param2'] },
  'windows:system:7031': { ServiceName: ['param1'] },
  'windows:system:7034': { ServiceName: ['param1'] },
  'windows:system:7036': { ServiceName: ['param1'], State: ['param2'] },
  'windows:system:7040': { ServiceName: ['param1'], OldStartType: ['param2'], NewStartType: ['param3'] },
  'windows:sysmon:1': {},
};

/** Entity -> fields of the (aliased) field view that name it, in preference order. Shared by all formats. */
export const ENTITY_FIELDS: Readonly<Partial<Record<keyof EventEntities, readonly string[]>>> = {
  srcIp: ['SourceIp', 'src_ip', 'IpAddress', 'c-ip', 'sourceIPAddress', 'ClientIP', 'ipAddress', 'SourceAddress'],
  dstIp: ['DestinationIp', 'dst_ip', 's-ip', 'DestAddress'],
  srcPort: ['SourcePort', 'src_port', 'IpPort'],
  dstPort: ['DestinationPort', 'dst_port', 's-port', 'DestPort'],
  protocol: ['Protocol', 'protocol', 'proto'],
  host: ['Computer', 'Hostname', 'hostname', 'host'],
  srcHost: ['WorkstationName', 'Workstation', 'SourceHostname'],
  process: ['Image'],
  processId: ['ProcessId'],
  parentProcess: ['ParentImage'],
  parentProcessId: ['ParentProcessId'],
  commandLine: ['CommandLine'],
  parentCommandLine: ['ParentCommandLine'],
  file: ['TargetFilename', 'ImageLoaded', 'FileName'],
  domain: ['QueryName', 'DestinationHostname', 'query'],
  url: ['c-uri', 'url'],
  registryKey: ['TargetObject', 'ObjectName_registry'],
  service: ['ServiceName'],
  task: ['TaskName'],
};

/** Keys that commonly carry an event's time, in preference order (generic, unknown and line-less objects). */
export const TIME_FIELDS: readonly string[] = [
  'timestamp', '@timestamp', 'time', 'ts', 'datetime', 'date', 'event_time', 'eventTime', 'EventTime',
  'TimeCreated', 'TimeGenerated', 'UtcTime', 'created_at', 'createdAt', 'published', 'time_generated',
  'occurred_at', 'logged_at', 'start_time', 'startTime', 'receivedTime', '_time', 'Timestamp',
];
