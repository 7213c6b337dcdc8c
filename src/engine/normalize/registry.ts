import { asaLineFormat } from './formats/cisco-asa';
import { cloudtrailFormat } from './formats/cloudtrail';
import { defenderFormat } from './formats/defender';
import { ecsFormat } from './formats/ecs';
import { cefLineFormat, kvLineFormat, setKvObjectPipeline } from './formats/kv';
import { entraFormat } from './formats/entra';
import { firewallFormat } from './formats/firewall';
import { gcpFormat } from './formats/gcp';
import { genericFormat } from './formats/generic';
import { kubernetesFormat } from './formats/kubernetes';
import { m365Format } from './formats/m365';
import { oktaFormat } from './formats/okta';
import { proxyFormat } from './formats/proxy';
import { suricataFormat } from './formats/suricata';
import { syslogLineFormat } from './formats/syslog';
import { syslogObjectFormat } from './formats/syslog-object';
import { auditdLineFormat } from './formats/auditd';
import { accessLogLineFormat, w3cLineFormat, webObjectFormat } from './formats/web';
import { wevtutilTextFormat } from './formats/wevtutil-text';
import { windowsXmlLineFormat } from './formats/windows-xml';
import { windowsFormat } from './formats/windows';
import { zeekFormat, zeekTsvFormat } from './formats/zeek';
import { normalizeUnknownObject } from './formats/unknown';
import type { LineFormat, NormalizedParts, ObjectFormat, RawObject } from './types';

/**
 * Detectors in order from most to least specific; the first whose `detect` accepts an event normalises it.
 * Specific schemas (Windows, ECS, cloud audit logs, sensors) come before the loose generic shape.
 */
export const OBJECT_FORMATS: readonly ObjectFormat[] = [
  windowsFormat,
  cloudtrailFormat,
  oktaFormat,
  entraFormat,
  m365Format,
  defenderFormat,
  gcpFormat,
  kubernetesFormat,
  zeekFormat,
  suricataFormat,
  syslogObjectFormat,
  webObjectFormat,
  ecsFormat,
  proxyFormat,
  firewallFormat,
  genericFormat,
];

/** Line formats, most specific first (header-driven and tagged formats before free-form syslog). */
export const LINE_FORMATS: readonly LineFormat[] = [
  wevtutilTextFormat,
  zeekTsvFormat,
  w3cLineFormat,
  auditdLineFormat,
  windowsXmlLineFormat,
  cefLineFormat,
  asaLineFormat,
  syslogLineFormat,
  accessLogLineFormat,
  kvLineFormat,
];

/** Runs the object detectors in order; an object no detector claims is kept as `unknown`. */
export function normalizeObject(raw: RawObject): NormalizedParts {
  for (const f of OBJECT_FORMATS) {
    if (f.detect(raw)) return f.normalize(raw);
  }
  return normalizeUnknownObject(raw);
}

setKvObjectPipeline(normalizeObject);
