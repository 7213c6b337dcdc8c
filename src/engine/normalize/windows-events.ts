import type { Outcome } from '../model';

/**
 * What a Windows event means, by service and EventID: the canonical action and, where the ID alone decides it,
 * the outcome. Data only; formats/windows.ts refines outcomes from Status fields.
 */
export interface WindowsEventMeaning {
  action: string;
  outcome?: Outcome;
}

type MeaningTable = Readonly<Record<number, WindowsEventMeaning>>;

const SECURITY: MeaningTable = {
  1100: { action: 'logging_stopped' },
  1102: { action: 'log_cleared', outcome: 'success' },
  4608: { action: 'system_start' },
  4616: { action: 'time_changed', outcome: 'success' },
  4624: { action: 'logon', outcome: 'success' },
  4625: { action: 'logon_failed', outcome: 'failure' },
  4627: { action: 'group_membership_info' },
  4634: { action: 'logoff', outcome: 'success' },
  4647: { action: 'logoff', outcome: 'success' },
  4648: { action: 'explicit_credential_logon', outcome: 'success' },
  4656: { action: 'object_access_request' },
  4657: { action: 'registry_set', outcome: 'success' },
  4658: { action: 'handle_closed' },
  4660: { action: 'object_deleted', outcome: 'success' },
  4661: { action: 'object_access_request' },
  4662: { action: 'directory_object_access' },
  4663: { action: 'object_access', outcome: 'success' },
  4670: { action: 'permissions_changed', outcome: 'success' },
  4672: { action: 'privilege_use', outcome: 'success' },
  4673: { action: 'privilege_use' },
  4674: { action: 'privilege_use' },
  4688: { action: 'process_create', outcome: 'success' },
  4689: { action: 'process_terminate', outcome: 'success' },
  4690: { action: 'handle_duplicated' },
  4697: { action: 'service_install', outcome: 'success' },
  4698: { action: 'task_create', outcome: 'success' },
  4699: { action: 'task_delete', outcome: 'success' },
  4700: { action: 'task_enable', outcome: 'success' },
  4701: { action: 'task_disable', outcome: 'success' },
  4702: { action: 'task_update', outcome: 'success' },
  4703: { action: 'token_rights_adjusted' },
  4719: { action: 'audit_policy_change', outcome: 'success' },
  4720: { action: 'account_created', outcome: 'success' },
  4722: { action: 'account_enabled', outcome: 'success' },
  4723: { action: 'password_change' },
  4724: { action: 'password_reset' },
  4725: { action: 'account_disabled', outcome: 'success' },
  4726: { action: 'account_deleted', outcome: 'success' },
  4727: { action: 'group_created', outcome: 'success' },
  4728: { action: 'group_member_added', outcome: 'success' },
  4729: { action: 'group_member_removed', outcome: 'success' },
  4731: { action: 'group_created', outcome: 'success' },
  4732: { action: 'group_member_added', outcome: 'success' },
  4733: { action: 'group_member_removed', outcome: 'success' },
  4738: { action: 'account_changed', outcome: 'success' },
  4740: { action: 'account_locked_out', outcome: 'success' },
  4741: { action: 'computer_account_created', outcome: 'success' },
  4742: { action: 'computer_account_changed', outcome: 'success' },
  4754: { action: 'group_created', outcome: 'success' },
  4756: { action: 'group_member_added', outcome: 'success' },
  4757: { action: 'group_member_removed', outcome: 'success' },
  4765: { action: 'sid_history_added', outcome: 'success' },
  4766: { action: 'sid_history_added', outcome: 'failure' },
  4767: { action: 'account_unlocked', outcome: 'success' },
  4768: { action: 'kerberos_tgt_request' },
  4769: { action: 'kerberos_service_ticket_request' },
  4770: { action: 'kerberos_service_ticket_renewed', outcome: 'success' },
  4771: { action: 'kerberos_preauth_failed', outcome: 'failure' },
  4776: { action: 'credential_validation' },
  4778: { action: 'session_reconnected', outcome: 'success' },
  4779: { action: 'session_disconnected', outcome: 'success' },
  4781: { action: 'account_renamed', outcome: 'success' },
  4794: { action: 'dsrm_password_set' },
  4798: { action: 'group_membership_enumerated', outcome: 'success' },
  4799: { action: 'group_membership_enumerated', outcome: 'success' },
  4825: { action: 'logon_failed', outcome: 'failure' },
  4826: { action: 'boot_configuration_loaded' },
  4946: { action: 'firewall_rule_added', outcome: 'success' },
  4947: { action: 'firewall_rule_modified', outcome: 'success' },
  4948: { action: 'firewall_rule_deleted', outcome: 'success' },
  5136: { action: 'directory_object_modified', outcome: 'success' },
  5137: { action: 'directory_object_created', outcome: 'success' },
  5140: { action: 'share_access', outcome: 'success' },
  5145: { action: 'share_access_check' },
  5152: { action: 'network_connection', outcome: 'failure' },
  5154: { action: 'network_listen', outcome: 'success' },
  5156: { action: 'network_connection', outcome: 'success' },
  5157: { action: 'network_connection', outcome: 'failure' },
  5158: { action: 'network_bind', outcome: 'success' },
  5379: { action: 'credential_read' },
  6416: { action: 'device_connected', outcome: 'success' },
};

const SYSMON: MeaningTable = {
  1: { action: 'process_create', outcome: 'success' },
  2: { action: 'file_time_change', outcome: 'success' },
  3: { action: 'network_connection', outcome: 'success' },
  5: { action: 'process_terminate', outcome: 'success' },
  6: { action: 'driver_load', outcome: 'success' },
  7: { action: 'image_load', outcome: 'success' },
  8: { action: 'remote_thread_create', outcome: 'success' },
  9: { action: 'raw_disk_access', outcome: 'success' },
  10: { action: 'process_access', outcome: 'success' },
  11: { action: 'file_create', outcome: 'success' },
  12: { action: 'registry_create_delete', outcome: 'success' },
  13: { action: 'registry_set', outcome: 'success' },
  14: { action: 'registry_rename', outcome: 'success' },
  15: { action: 'file_stream_create', outcome: 'success' },
  17: { action: 'pipe_create', outcome: 'success' },
  18: { action: 'pipe_connect', outcome: 'success' },
  19: { action: 'wmi_filter_create', outcome: 'success' },
  20: { action: 'wmi_consumer_create', outcome: 'success' },
  21: { action: 'wmi_binding_create', outcome: 'success' },
  22: { action: 'dns_query' },
  23: { action: 'file_delete', outcome: 'success' },
  24: { action: 'clipboard_change', outcome: 'success' },
  25: { action: 'process_tampering', outcome: 'success' },
  26: { action: 'file_delete', outcome: 'success' },
  27: { action: 'file_block', outcome: 'failure' },
  28: { action: 'file_block', outcome: 'failure' },
  29: { action: 'file_executable_detected', outcome: 'success' },
};

const SYSTEM: MeaningTable = {
  104: { action: 'log_cleared', outcome: 'success' },
  7009: { action: 'service_error', outcome: 'failure' },
  7023: { action: 'service_error', outcome: 'failure' },
  7034: { action: 'service_crashed' },
  7036: { action: 'service_state_change', outcome: 'success' },
  7040: { action: 'service_config_change', outcome: 'success' },
  7045: { action: 'service_install', outcome: 'success' },
};

const POWERSHELL: MeaningTable = {
  4103: { action: 'script_module_invoke', outcome: 'success' },
  4104: { action: 'script_execute', outcome: 'success' },
  4105: { action: 'script_start', outcome: 'success' },
  4106: { action: 'script_stop', outcome: 'success' },
};

const WMI: MeaningTable = {
  5857: { action: 'wmi_provider_loaded', outcome: 'success' },
  5858: { action: 'wmi_query_error', outcome: 'failure' },
  5860: { action: 'wmi_event_subscription', outcome: 'success' },
  5861: { action: 'wmi_event_subscription', outcome: 'success' },
};

const POWERSHELL_CLASSIC: MeaningTable = {
  400: { action: 'script_engine_start', outcome: 'success' },
  403: { action: 'script_engine_stop', outcome: 'success' },
  600: { action: 'script_provider_start', outcome: 'success' },
  800: { action: 'script_pipeline_execute', outcome: 'success' },
};

const TASKSCHEDULER: MeaningTable = {
  106: { action: 'task_create', outcome: 'success' },
  129: { action: 'process_create', outcome: 'success' },
  140: { action: 'task_update', outcome: 'success' },
  141: { action: 'task_delete', outcome: 'success' },
  200: { action: 'task_run', outcome: 'success' },
  201: { action: 'task_run', outcome: 'success' },
};

const WINDEFEND: MeaningTable = {
  1006: { action: 'alert' }, 1007: { action: 'alert' }, 1008: { action: 'alert' }, 1015: { action: 'alert' },
  1116: { action: 'alert' }, 1117: { action: 'alert' }, 5001: { action: 'protection_disabled' },
};

const BITS: MeaningTable = {
  3: { action: 'bits_job_created', outcome: 'success' },
  4: { action: 'bits_job_completed', outcome: 'success' },
  59: { action: 'bits_transfer_started', outcome: 'success' },
  60: { action: 'bits_transfer_stopped' },
  16403: { action: 'bits_job_created', outcome: 'success' },
};

export const WINDOWS_EVENT_MEANINGS: Readonly<Record<string, MeaningTable>> = {
  security: SECURITY,
  sysmon: SYSMON,
  system: SYSTEM,
  powershell: POWERSHELL,
  'powershell-classic': POWERSHELL_CLASSIC,
  taskscheduler: TASKSCHEDULER,
  wmi: WMI,
  'bits-client': BITS,
  windefend: WINDEFEND,
};
