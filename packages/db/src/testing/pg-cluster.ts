import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A throw-away PostgreSQL cluster on loopback with trust auth. */
export interface PgCluster {
  /** Connection URL of the `postgres` database, as superuser `postgres`. */
  url: string
  port: number
  urlFor(database: string): string
  stop(): void
}

/** Where the PostgreSQL server binaries are, or undefined with the reason they could not be found. */
export function findPgBinaries(): { dir?: string; reason?: string } {
  const fromEnv = process.env.PG_BIN_DIR
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? { dir: fromEnv } : { reason: `PG_BIN_DIR=${fromEnv} has no initdb` }
  const base = '/usr/lib/postgresql'
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))
    if (versions[0]) return { dir: join(base, versions[0], 'bin') }
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' })
  if (which.status === 0 && which.stdout.trim()) return { dir: join(which.stdout.trim(), '..') }
  return { reason: 'PostgreSQL server binaries (initdb, pg_ctl) are not installed; apt-get install postgresql' }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Starts a cluster in a new temporary directory (as user postgres when running as root). */
export async function startPgCluster(binDir: string): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-pg-'))
  const dataDir = join(dir, 'data')
  const isRoot = process.getuid?.() === 0
  const run = (cmd: string, args: string[]) => {
    const full = join(binDir, cmd)
    if (isRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe' })
    else execFileSync(full, args, { stdio: 'pipe' })
  }
  if (isRoot) {
    chmodSync(dir, 0o755)
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(dir, uid, gid)
  }
  run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8'])
  const port = await freePort()
  run('pg_ctl', [
    '-D',
    dataDir,
    '-w',
    '-l',
    join(dir, 'server.log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    'start',
  ])
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`
  return {
    url: urlFor('postgres'),
    port,
    urlFor,
    stop() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
