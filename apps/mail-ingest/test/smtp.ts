import PostalMime from 'postal-mime'
import { SMTPServer } from 'smtp-server'

/** One message the test SMTP server accepted. */
export interface ReceivedMail {
  from: string
  to: string[]
  subject: string
  text: string
  inReplyTo: string | undefined
}

export interface TestSmtpServer {
  port: number
  received: ReceivedMail[]
  /** Every RCPT TO the server was asked for, accepted or not. */
  attempts: string[]
  stop(): Promise<void>
}

/**
 * A real SMTP server (the smtp-server package) on loopback that keeps what it receives. Recipients starting
 * with "tempfail" are refused with 451 (try again later), with "reject" with 550 (no such user).
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = []
  const attempts: string[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      attempts.push(address.address)
      if (address.address.startsWith('tempfail')) return callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }))
      if (address.address.startsWith('reject')) return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }))
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', async () => {
        const email = await PostalMime.parse(Buffer.concat(chunks))
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: email.subject ?? '',
          text: email.text ?? '',
          inReplyTo: email.inReplyTo,
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.server.address() as { port: number }).port
  return {
    port,
    received,
    attempts,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
