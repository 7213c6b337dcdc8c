import type { CanonicalEvent } from '../model';
import { field, outcomeOf } from '../correlate/event-kinds';
import { readableEventName } from './event-names';

type Labeller = (value: string) => string;

/** A nested value of the event by dotted path (`requestParameters.userName`). */
export function nested(e: CanonicalEvent, path: string): string {
  let v: unknown = e.fields;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return '';
    v = (v as Record<string, unknown>)[part];
  }
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

const tail = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1) || arn;

/** What an API call acted on, in words, from its request parameters. */
function objectOf(e: CanonicalEvent): string {
  const p = (name: string): string => nested(e, `requestParameters.${name}`);
  const principal = p('userName') ? `user ${p('userName')}` : p('roleName') ? `role ${p('roleName')}` : p('groupName') ? `group ${p('groupName')}` : '';
  const parts: string[] = [];
  if (p('policyArn') || p('policyName')) parts.push(tail(p('policyArn') || p('policyName')));
  if (principal) parts.push(`${parts.length > 0 ? 'to ' : ''}${principal}`);
  if (p('name') && !principal) parts.push(tail(p('name')));
  if (p('bucketName')) parts.push(p('key') ? `${p('bucketName')}/${p('key')}` : `bucket ${p('bucketName')}`);
  if (p('instanceId')) parts.push(p('instanceId'));
  if (p('groupId') && !principal) parts.push(`security group ${p('groupId')}`);
  const key = nested(e, 'responseElements.accessKey.accessKeyId');
  if (key) parts.push(`(key ${key})`);
  return parts.join(' ');
}

/** CloudTrail API calls as "who did what to which object from where". */
export function cloudSentence(e: CanonicalEvent, label: Labeller): string | undefined {
  if (e.format !== 'cloudtrail') return undefined;
  const name = field(e, 'eventName');
  if (!name) return undefined;
  const actor = e.entities.user ?? e.entities.cloudIdentity ?? 'An identity';
  const what = readableEventName(name) ?? name;
  const object = objectOf(e);
  const from = e.entities.srcIp ? ` from ${label(e.entities.srcIp)}` : '';
  const error = field(e, 'errorCode');
  const failed = outcomeOf(e) === 'failure' || error ? ` (failed${error ? `: ${error}` : ''})` : '';
  return `${actor}: ${what} (${name})${object ? `: ${object}` : ''}${from}${failed}`;
}
