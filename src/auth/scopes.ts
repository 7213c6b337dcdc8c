/** Permissions an API key can carry, declared as data. */
export const SCOPES = {
  aiRead: 'ai:read',
} as const;

export type Permission = (typeof SCOPES)[keyof typeof SCOPES];
export const ALL_PERMISSIONS: readonly Permission[] = Object.values(SCOPES);

export function isPermission(value: string): value is Permission {
  return (ALL_PERMISSIONS as readonly string[]).includes(value);
}
