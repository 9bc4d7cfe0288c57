export interface Principal {
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  roles: string[];
}

export function normalizeLogin(raw: string): string {
  return raw.trim().toLowerCase();
}

export function displayName(p: Pick<Principal, 'givenName' | 'familyName'>): string {
  return `${p.givenName} ${p.familyName}`.trim();
}

export function roleSummary(p: Principal): string {
  return [...p.roles].sort().join(',');
}

export function isAdmin(p: Principal): boolean {
  return p.roles.includes('admin');
}
