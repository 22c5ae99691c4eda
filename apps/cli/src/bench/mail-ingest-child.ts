// One run of the ingester over a mailbox in its own process, as `npm start` runs it, so the mail benchmark can
// read that process's peak RSS. Usage: node mail-ingest-child.ts DATABASE_URL IMAP_JSON SETTINGS_JSON
// Prints one JSON line: { seconds, outcomes, count, maxRssMb }.
import { performance } from 'node:perf_hooks'
import { createCoreDeps, silentLogger } from '@crm/core'
import { openDatabase } from '@crm/db'
import { connectImap, ingestMailboxOnce } from '@crm/mail-ingest'

const [url, imapJson, settingsJson] = process.argv.slice(2)
const database = await openDatabase(url!)
const deps = createCoreDeps(database, { logger: silentLogger })
const client = await connectImap(JSON.parse(imapJson!))
const started = performance.now()
const results = await ingestMailboxOnce(client, deps, JSON.parse(settingsJson!), 'INBOX', silentLogger)
const seconds = (performance.now() - started) / 1000
await client.logout()
await database.close()
const outcomes: Record<string, number> = {}
for (const r of results) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1
console.log(JSON.stringify({ seconds, outcomes, count: results.length, maxRssMb: process.resourceUsage().maxRSS / 1024 }))
