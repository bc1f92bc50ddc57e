/** What the contact and segment commands print a contact as: one line. */
export interface ContactJson {
  id: string;
  externalId: string | null;
  phone: string | null;
  name: string | null;
  email: string | null;
  lineUserIds: string[];
  attributes: Record<string, unknown>;
}

export function contactLine(c: ContactJson): string {
  const line = c.lineUserIds.length > 0 ? ` LINE×${c.lineUserIds.length}` : '';
  return `${c.id}  ${(c.externalId ?? '-').padEnd(12)}  ${(c.phone ?? '-').padEnd(14)}  ${c.name ?? '-'}${line}  ${JSON.stringify(c.attributes)}`;
}
