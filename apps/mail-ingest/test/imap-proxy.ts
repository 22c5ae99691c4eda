import { createServer, connect, type Server, type Socket } from 'node:net'

/** What the test decides for one client command line passing the proxy. */
export type ProxyVerdict = 'pass' | 'hold' | 'cut'

/**
 * A TCP proxy between the ingester and Dovecot that sees every command line the client sends: the test can
 * let it pass, hold it (the server never gets it, as when a process is frozen before the command leaves), or
 * cut every connection (a network failure in the middle of the work).
 */
export interface ImapProxy {
  port: number
  /** Decides per command line; default: pass everything. */
  onCommand: (line: string) => ProxyVerdict
  /** Command lines seen so far, in order. */
  readonly commands: string[]
  /** Drops every open connection now. */
  cutAll(): void
  close(): Promise<void>
}

export async function startImapProxy(targetPort: number): Promise<ImapProxy> {
  const sockets = new Set<Socket>()
  const commands: string[] = []
  let server!: Server
  const proxy: ImapProxy = {
    port: 0,
    onCommand: () => 'pass',
    commands,
    cutAll() {
      for (const s of sockets) s.destroy()
      sockets.clear()
    },
    async close() {
      proxy.cutAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    sockets.add(client)
    sockets.add(upstream)
    let held = false
    let pending = ''
    const drop = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', drop)
    upstream.on('error', drop)
    client.on('close', drop)
    upstream.on('close', drop)
    upstream.on('data', (d) => client.write(d))
    client.on('data', (d: Buffer) => {
      if (held) return
      pending += d.toString('latin1')
      let nl = pending.indexOf('\n')
      while (nl >= 0) {
        const line = pending.slice(0, nl + 1)
        pending = pending.slice(nl + 1)
        commands.push(line.trimEnd())
        const verdict = proxy.onCommand(line.trimEnd())
        if (verdict === 'cut') return proxy.cutAll()
        if (verdict === 'hold') {
          held = true
          return
        }
        upstream.write(Buffer.from(line, 'latin1'))
        nl = pending.indexOf('\n')
      }
      // A literal's bytes (APPEND) have no line end of their own until the end: pass what is there.
      if (pending.length > 0 && !/^[A-Z0-9.]+ /i.test(pending)) {
        upstream.write(Buffer.from(pending, 'latin1'))
        pending = ''
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  proxy.port = (server.address() as { port: number }).port
  return proxy
}
