import { createReadStream, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
}

/** A running static server: its URL and how to stop it. */
export interface StaticServer {
  url: string
  port: number
  close(): Promise<void>
}

/** The file a request path names inside `root` ("/" is index.html, "/pipeline" is pipeline.html), or undefined. */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let path: string
  try {
    path = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!)
  } catch {
    return undefined
  }
  const base = resolve(root)
  const target = resolve(base, '.' + normalize('/' + path))
  // Never outside the folder, whatever the request says.
  if (target !== base && !target.startsWith(base + sep)) return undefined
  for (const candidate of [target, join(target, 'index.html'), `${target}.html`]) {
    try {
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // Not this one; try the next form.
    }
  }
  return undefined
}

/**
 * Serves a folder read-only on 127.0.0.1 (loopback only: the reports hold personal data). Port 0 picks a free
 * port; a busy port is reported by the returned promise's rejection (code EADDRINUSE).
 */
export function serveStatic(root: string, port: number): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    const file = resolveStaticPath(root, req.url ?? '/')
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n')
      return
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'cache-control': 'no-store' })
    if (req.method === 'HEAD') res.end()
    else createReadStream(file).pipe(res)
  })
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      const actual = (server.address() as AddressInfo).port
      resolvePromise({
        url: `http://localhost:${actual}/`,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}
