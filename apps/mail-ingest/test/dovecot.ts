import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const DOVECOT = '/usr/sbin/dovecot'

/** Why the Dovecot tests cannot run here, or undefined; CRM_REQUIRE_DOVECOT=1 turns a missing binary into a failure. */
export function dovecotSkipReason(): string | undefined {
  if (existsSync(DOVECOT)) return undefined
  const reason = `${DOVECOT} is missing (apt-get install -y dovecot-imapd)`
  if (process.env.CRM_REQUIRE_DOVECOT === '1') throw new Error(`CRM_REQUIRE_DOVECOT=1 but ${reason}`)
  return reason
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

export interface Dovecot {
  port: number
  password: string
  stop(): Promise<void>
}

/**
 * A throw-away Dovecot on loopback: any user name logs in with the password and gets its own empty mailbox.
 * With `oauth2IntrospectionUrl`, XOAUTH2 logins are also accepted, each token checked at that URL (RFC 7662).
 */
export async function startDovecot(options: { oauth2IntrospectionUrl?: string } = {}): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-dovecot-'))
  chmodSync(dir, 0o755)
  const mail = join(dir, 'mail')
  mkdirSync(mail)
  execFileSync('chown', ['nobody:nogroup', mail])
  const port = await freePort()
  const password = 'secret'
  const conf = join(dir, 'dovecot.conf')
  writeFileSync(conf, `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${options.oauth2IntrospectionUrl ? ' xoauth2 oauthbearer\nauth_failure_delay = 0' : ''}
${options.oauth2IntrospectionUrl ? `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf.ext
}
` : ''}passdb {
  driver = static
  args = password=${password}
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${mail}/%u
}
mail_location = maildir:~/Maildir
mail_fsync = never
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
`)
  if (options.oauth2IntrospectionUrl) {
    writeFileSync(join(dir, 'oauth2.conf.ext'), `introspection_mode = post
introspection_url = ${options.oauth2IntrospectionUrl}
username_attribute = username
active_attribute = active
active_value = true
force_introspection = yes
`)
  }
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', conf], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1', () => (sock.end(), resolve(true)))
      sock.on('error', () => resolve(false))
    })
    if (up) break
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    port,
    password,
    async stop() {
      try {
        execFileSync('doveadm', ['-c', conf, 'stop'], { stdio: 'ignore' })
      } catch {
        child.kill('SIGTERM')
      }
      await new Promise((r) => setTimeout(r, 100))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
