/** `security` of an operation (or the document): any one requirement object must be met, all of its schemes. */
export type SecurityRequirement = Record<string, string[]>;

type Json = Record<string, unknown>;

/** Why one security scheme is not met by these (lower-cased) headers; null when it is. */
function schemeProblem(
  name: string,
  scheme: Json | undefined,
  headers: Record<string, string>,
): string | null {
  if (scheme === undefined) return `security scheme ${name} is not defined`;
  const authorization = headers.authorization ?? '';
  if (scheme.type === 'http') {
    const kind = String(scheme.scheme ?? '').toLowerCase();
    if (kind === 'basic') {
      const m = /^Basic\s+(\S+)$/i.exec(authorization);
      const decoded = m === null ? '' : Buffer.from(m[1]!, 'base64').toString('utf8');
      return decoded.includes(':')
        ? null
        : 'header Authorization: HTTP Basic credentials (user:password) expected';
    }
    if (kind === 'bearer') {
      return /^Bearer\s+\S+$/i.test(authorization) ? null : 'header Authorization: Bearer token expected';
    }
    return null;
  }
  if (scheme.type === 'apiKey' && scheme.in === 'header') {
    const header = String(scheme.name ?? '').toLowerCase();
    return headers[header] ? null : `header ${String(scheme.name)}: required by security scheme ${name}`;
  }
  // Query keys, cookies, OAuth flows: not checked here.
  return null;
}

/** Problems with the request's credentials, or [] when some requirement is met (or none is asked for). */
export function securityProblems(
  requirements: SecurityRequirement[] | undefined,
  doc: Json,
  headers: Record<string, string>,
): string[] {
  if (requirements === undefined || requirements.length === 0) return [];
  const schemes = ((doc.components as Json | undefined)?.securitySchemes ?? {}) as Record<string, Json>;
  const problems: string[] = [];
  for (const requirement of requirements) {
    const unmet = Object.keys(requirement)
      .map((name) => schemeProblem(name, schemes[name], headers))
      .filter((p): p is string => p !== null);
    if (unmet.length === 0) return [];
    problems.push(...unmet);
  }
  return [...new Set(problems)];
}
