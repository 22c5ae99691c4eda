import type { CrmDatabase } from '@crm/db'

/** A BCC copy of Anna's mail to Þóra: one EMAIL-OUT entry each, told apart by Message-ID. */
export function bccMessage(i: number, to = 'thora@hekla.is'): Buffer {
  return Buffer.from([
    'Authentication-Results: mx.team.example; dkim=pass header.d=team.example header.s=s1',
    'From: Anna Sales <anna@team.example>',
    `To: <${to}>`,
    'Bcc: log@team.example',
    `Subject: Offer ${i}`,
    `Date: Thu, 19 Nov 2026 14:${String(i % 60).padStart(2, '0')}:00 +0000`,
    `Message-ID: <m${i}@team.example>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Offer number ${i}.`,
    '',
  ].join('\r\n'))
}

/** Interaction numbers of the logged mail, with how often each message reference was logged. */
export async function loggedMail(database: CrmDatabase): Promise<{ nos: string[]; refs: Map<string, number> }> {
  const rows = await database.db.selectFrom('interaction_log_entries').select(['no', 'external_ref']).where('source', '=', 'email').orderBy('no').execute()
  const refs = new Map<string, number>()
  for (const r of rows) refs.set(r.external_ref!, (refs.get(r.external_ref!) ?? 0) + 1)
  return { nos: rows.map((r) => r.no), refs }
}

/** The numbers IL00000001..IL0000000n: the series without gaps or duplicates. */
export function series(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `IL${String(i + 1).padStart(8, '0')}`)
}
