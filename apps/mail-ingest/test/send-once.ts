// One sender pass in a process of its own, for the tests of several senders on one database.
// Usage: node send-once.ts DATABASE_URL SMTP_PORT PER_MINUTE CLAIMER; prints the result as JSON.
import { createCoreDeps, sendQueuedEmails } from '@crm/core'
import { openDatabase } from '@crm/db'
import { createSmtpTransport } from '../src/index.ts'

const [url, port, perMinute, claimer] = process.argv.slice(2)
const database = await openDatabase(url!)
const transport = createSmtpTransport({ host: '127.0.0.1', port: Number(port), secure: false, user: undefined, password: undefined, from: 'crm@team.example' })
try {
  const r = await sendQueuedEmails(createCoreDeps(database), transport, { perMinute: Number(perMinute), maxAttempts: 3, backoffSeconds: 60, leaseSeconds: 300, batchSize: 3, claimer: claimer! })
  console.log(JSON.stringify(r))
} finally {
  transport.close()
  await database.close()
}
