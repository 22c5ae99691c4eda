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

/** Removes the named capabilities from a server line that announces capabilities (greeting, CAPABILITY, login OK). */
export function hideCapabilities(line: string, names: readonly string[]): string {
  if (names.length === 0 || !/^(?:\*|[A-Za-z0-9.]+) (?:OK \[CAPABILITY |CAPABILITY )/i.test(line)) return line
  const hidden = new Set(names.map((n) => n.toUpperCase()))
  return line.replace(/(\[?CAPABILITY )([^\]\r\n]*)/i, (_m, head: string, list: string) => head + list.split(' ').filter((c) => !hidden.has(c.toUpperCase())).join(' '))
}

/**
 * Starts the proxy. `hide` names capabilities the client must not see (e.g. IDLE, to act as a server without
 * it): they are removed from every capability announcement the server sends.
 */
export async function startImapProxy(targetPort: number, options: { hide?: readonly string[] } = {}): Promise<ImapProxy> {
  const hide = options.hide ?? []
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
    let fromServer = ''
    upstream.on('data', (d: Buffer) => {
      if (hide.length === 0) return client.write(d)
      // Whole lines only, so an announcement split over two packets is still seen; the rest waits for its line end.
      fromServer += d.toString('latin1')
      const end = fromServer.lastIndexOf('\n') + 1
      if (end === 0) return
      const lines = fromServer.slice(0, end).split(/(?<=\n)/)
      fromServer = fromServer.slice(end)
      client.write(Buffer.from(lines.map((l) => hideCapabilities(l, hide)).join(''), 'latin1'))
    })
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
