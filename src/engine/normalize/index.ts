export { normalizeEvent, normalizeRequestEvents, type NormalizeResult } from './normalize';
export { normalizeUserName, splitUserName, isEmptyUser } from './users';
export { parseTimestamp } from './time';
export { CATEGORY_PARENTS } from './windows-logsource';
export { FIELD_ALIASES } from './field-mappings';
export type { NormalizeOptions } from './types';
export { knownLogsources } from './logsources';
