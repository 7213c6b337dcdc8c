import { normalizeEvent, normalizeRequestEvents } from '../normalize';

describe('AWS CloudTrail', () => {
  const consoleLogin = {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/dana', accountId: '111122223333', userName: 'dana' },
    eventTime: '2025-09-01T07:12:44Z',
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'Mozilla/5.0',
    errorMessage: 'Failed authentication',
    responseElements: { ConsoleLogin: 'Failure' },
    additionalEventData: { MFAUsed: 'No' },
  };

  it('keeps AWS field names and reads a failed console login', () => {
    const ev = normalizeEvent(consoleLogin, 0, 'x');
    expect(ev.format).toBe('cloudtrail');
    expect(ev.logsource).toEqual({ product: 'aws', service: 'cloudtrail' });
    expect(ev.fields.eventName).toBe('ConsoleLogin');
    expect(ev.fields.userIdentity).toBe(consoleLogin.userIdentity);
    expect(ev.action).toBe('logon_failed');
    expect(ev.outcome).toBe('failure');
    expect(ev.time).toBe(Date.UTC(2025, 8, 1, 7, 12, 44));
    expect(ev.entities).toMatchObject({ user: 'dana', cloudIdentity: 'arn:aws:iam::111122223333:user/dana', srcIp: '198.51.100.23' });
    expect(ev.message).toBe('signin.amazonaws.com ConsoleLogin');
  });

  it('names the created account and treats an errorCode as failure', () => {
    const ev = normalizeEvent(
      { eventVersion: '1.08', eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', eventTime: '2025-09-01T07:20:00Z', userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/dana' }, requestParameters: { userName: 'backup-svc' }, errorCode: 'AccessDenied', sourceIPAddress: 'iam.amazonaws.com' },
      0,
      'x',
    );
    expect(ev.action).toBe('account_created');
    expect(ev.outcome).toBe('failure');
    expect(ev.entities).toMatchObject({ user: 'dana', targetUser: 'backup-svc', domain: 'iam.amazonaws.com' });
    expect(ev.entities.srcIp).toBeUndefined();
  });

  it('walks a Records export', () => {
    const r = normalizeRequestEvents({ trail: { Records: [consoleLogin, consoleLogin] } });
    expect(r.formats).toEqual({ cloudtrail: 2 });
  });
});

describe('Okta System Log', () => {
  it('reads a denied push as a failed MFA challenge of the actor from the client address', () => {
    const ev = normalizeEvent(
      {
        uuid: 'a1b2', published: '2026-05-18T07:55:00.123Z', eventType: 'user.mfa.okta_verify.deny_push', displayMessage: 'User rejected Okta push verify',
        actor: { id: '00u1', type: 'User', alternateId: 'rsingh@corp.example', displayName: 'R Singh' },
        client: { ipAddress: '146.70.117.201', userAgent: { rawUserAgent: 'Mozilla/5.0' } },
        outcome: { result: 'FAILURE', reason: 'User rejected Okta push verify' },
      },
      0,
      'x',
    );
    expect(ev.format).toBe('okta');
    expect(ev.logsource).toEqual({ product: 'okta', service: 'okta' });
    expect(ev.action).toBe('mfa_challenge');
    expect(ev.outcome).toBe('failure');
    expect(ev.time).toBe(Date.UTC(2026, 4, 18, 7, 55, 0, 123));
    expect(ev.entities).toMatchObject({ user: 'rsingh@corp.example', cloudIdentity: 'rsingh@corp.example', srcIp: '146.70.117.201', email: 'rsingh@corp.example' });
    expect(ev.fields.eventType).toBe('user.mfa.okta_verify.deny_push');
    expect(ev.message).toBe('User rejected Okta push verify');
  });

  it('reads session start as logon, failed when the outcome says so', () => {
    const ok = normalizeEvent({ eventType: 'user.session.start', published: '2026-05-18T08:00:00Z', actor: { alternateId: 'a@b.c' }, outcome: { result: 'SUCCESS' } }, 0, 'x');
    const bad = normalizeEvent({ eventType: 'user.session.start', published: '2026-05-18T08:00:00Z', actor: { alternateId: 'a@b.c' }, outcome: { result: 'FAILURE' } }, 0, 'x');
    expect([ok.action, ok.outcome]).toEqual(['logon', 'success']);
    expect([bad.action, bad.outcome]).toEqual(['logon_failed', 'failure']);
  });
});

describe('Entra ID', () => {
  it('reads a Graph sign-in with SigmaHQ signinlogs field names', () => {
    const ev = normalizeEvent(
      {
        id: 's1', createdDateTime: '2026-01-10T11:00:00Z', userPrincipalName: 'eve@contoso.com', appDisplayName: 'Azure Portal', ipAddress: '203.0.113.77', clientAppUsed: 'Browser',
        status: { errorCode: 50126, failureReason: 'Invalid username or password.' }, conditionalAccessStatus: 'notApplied', riskState: 'none',
      },
      0,
      'x',
    );
    expect(ev.format).toBe('entra_id');
    expect(ev.logsource).toEqual({ product: 'azure', service: 'signinlogs' });
    expect(ev.fields).toMatchObject({ ResultType: 50126, ResultDescription: 'Invalid username or password.', Username: 'eve@contoso.com', ClientApp: 'Browser', IPAddress: '203.0.113.77' });
    expect(ev.action).toBe('logon_failed');
    expect(ev.outcome).toBe('failure');
    expect(ev.entities).toMatchObject({ user: 'eve@contoso.com', srcIp: '203.0.113.77' });
    expect(ev.time).toBe(Date.UTC(2026, 0, 10, 11));
  });

  it('reads the diagnostic-export sign-in (category SignInLogs, properties)', () => {
    const ev = normalizeEvent({ time: '2026-01-10T11:05:00Z', category: 'SignInLogs', operationName: 'Sign-in activity', resultType: '0', callerIpAddress: '203.0.113.77', properties: { userPrincipalName: 'eve@contoso.com', appDisplayName: 'Office 365' } }, 0, 'x');
    expect(ev.logsource.service).toBe('signinlogs');
    expect(ev.outcome).toBe('success');
    expect(ev.action).toBe('logon');
    expect(ev.entities.user).toBe('eve@contoso.com');
  });

  it('reads an audit log entry with initiator and target', () => {
    const ev = normalizeEvent(
      {
        activityDateTime: '2026-01-10T11:30:00Z', activityDisplayName: 'Add member to role', category: 'RoleManagement', result: 'success', loggedByService: 'Core Directory',
        initiatedBy: { user: { userPrincipalName: 'eve@contoso.com', ipAddress: '203.0.113.77' } },
        targetResources: [{ type: 'User', userPrincipalName: 'mallory@contoso.com' }],
      },
      0,
      'x',
    );
    expect(ev.logsource).toEqual({ product: 'azure', service: 'auditlogs' });
    expect(ev.fields).toMatchObject({ OperationName: 'Add member to role', LoggedByService: 'Core Directory', Category: 'RoleManagement' });
    expect(ev.action).toBe('group_member_added');
    expect(ev.outcome).toBe('success');
    expect(ev.entities).toMatchObject({ user: 'eve@contoso.com', targetUser: 'mallory@contoso.com', srcIp: '203.0.113.77' });
  });
});

describe('Microsoft 365 unified audit log', () => {
  it('reads an inbox rule creation', () => {
    const ev = normalizeEvent(
      { CreationTime: '2026-02-02T09:00:00', Id: 'x', Operation: 'New-InboxRule', RecordType: 1, ResultStatus: 'True', UserId: 'cfo@contoso.com', Workload: 'Exchange', ClientIP: '203.0.113.9:51233' },
      0,
      'x',
    );
    expect(ev.format).toBe('m365');
    expect(ev.logsource).toEqual({ product: 'm365', service: 'audit' });
    expect(ev.action).toBe('mailbox_rule_created');
    expect(ev.outcome).toBe('success');
    expect(ev.time).toBe(Date.UTC(2026, 1, 2, 9));
    expect(ev.entities).toMatchObject({ user: 'cfo@contoso.com', srcIp: '203.0.113.9' });
  });
});

describe('Okta factor changes', () => {
  it('reads a new MFA factor as mfa_factor_added on the actor', () => {
    const ev = normalizeEvent({ published: '2026-05-18T08:01:00Z', eventType: 'system.mfa.factor.activate', actor: { alternateId: 'rsingh@corp.example' }, target: [{ type: 'Factor', displayName: 'Okta Verify (new device)' }], outcome: { result: 'SUCCESS' } }, 0, 'x');
    expect(ev.action).toBe('mfa_factor_added');
    expect(ev.entities.targetUser).toBe('rsingh@corp.example');
  });
});

describe('Google Cloud audit logs', () => {
  it('reads an IAM policy change with the SigmaHQ gcp.audit.method_name field', () => {
    const ev = normalizeEvent(
      {
        insertId: 'x1', logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity', timestamp: '2026-03-03T10:00:00.5Z', severity: 'NOTICE',
        protoPayload: {
          '@type': 'type.googleapis.com/google.cloud.audit.AuditLog', serviceName: 'cloudresourcemanager.googleapis.com', methodName: 'SetIamPolicy',
          authenticationInfo: { principalEmail: 'ops@corp.example' }, requestMetadata: { callerIp: '198.51.100.77' }, status: {},
        },
      },
      0,
      'x',
    );
    expect(ev.format).toBe('gcp');
    expect(ev.logsource).toEqual({ product: 'gcp', service: 'gcp.audit' });
    expect(ev.fields['gcp.audit.method_name']).toBe('SetIamPolicy');
    expect(ev.action).toBe('permission_granted');
    expect(ev.outcome).toBe('success');
    expect(ev.entities).toMatchObject({ user: 'ops@corp.example', srcIp: '198.51.100.77' });
    expect(ev.time).toBe(Date.UTC(2026, 2, 3, 10, 0, 0, 500));
  });
});

describe('Kubernetes audit events', () => {
  it('reads a pod exec as process creation in the kube audit log source', () => {
    const ev = normalizeEvent(
      {
        kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: 'a1', stage: 'ResponseComplete', requestURI: '/api/v1/namespaces/prod/pods/web-1/exec?command=sh', verb: 'create',
        user: { username: 'system:serviceaccount:prod:builder' }, sourceIPs: ['10.4.0.12'], objectRef: { resource: 'pods', namespace: 'prod', name: 'web-1', subresource: 'exec' },
        responseStatus: { code: 101 }, stageTimestamp: '2026-03-03T10:00:01.000000Z',
      },
      0,
      'x',
    );
    expect(ev.format).toBe('kubernetes');
    expect(ev.logsource).toEqual({ product: 'kubernetes', service: 'audit', category: 'application' });
    expect(ev.action).toBe('process_create');
    expect(ev.outcome).toBe('success');
    expect(ev.fields['objectRef']).toMatchObject({ resource: 'pods', subresource: 'exec' });
    expect(ev.entities).toMatchObject({ user: 'system:serviceaccount:prod:builder', srcIp: '10.4.0.12' });
    expect(ev.message).toBe('create prod/pods/web-1/exec');
    expect(ev.time).toBe(Date.UTC(2026, 2, 3, 10, 0, 1));
  });
});

describe('Azure activity logs', () => {
  it('reads the diagnostic export with SigmaHQ activitylogs names', () => {
    const ev = normalizeEvent({ time: '2026-02-02T10:00:00Z', resourceId: '/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/AZUREFIREWALLS/FW1', operationName: 'MICROSOFT.NETWORK/AZUREFIREWALLS/DELETE', category: 'Administrative', resultType: 'Success', callerIpAddress: '203.0.113.4', caller: 'eve@contoso.com' }, 0, 'x');
    expect(ev.format).toBe('entra_id');
    expect(ev.logsource).toEqual({ product: 'azure', service: 'activitylogs' });
    expect(ev.fields).toMatchObject({ operationName: 'MICROSOFT.NETWORK/AZUREFIREWALLS/DELETE', OperationNameValue: 'MICROSOFT.NETWORK/AZUREFIREWALLS/DELETE', CategoryValue: 'Administrative' });
    expect(ev.action).toBe('resource_deleted');
    expect(ev.outcome).toBe('success');
    expect(ev.entities).toMatchObject({ user: 'eve@contoso.com', srcIp: '203.0.113.4' });
  });

  it('reads the Log Analytics AzureActivity table', () => {
    const ev = normalizeEvent({ TimeGenerated: '2026-02-02T10:00:00Z', Type: 'AzureActivity', OperationNameValue: 'Microsoft.Authorization/roleAssignments/write', CategoryValue: 'Administrative', ActivityStatusValue: 'Success', Caller: 'eve@contoso.com', CallerIpAddress: '203.0.113.4' }, 0, 'x');
    expect(ev.logsource.service).toBe('activitylogs');
    expect(ev.fields.operationName).toBe('Microsoft.Authorization/roleAssignments/write');
    expect(ev.action).toBe('permission_granted');
  });
});
