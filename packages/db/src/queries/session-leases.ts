import type { Executor } from './executor.ts'

/**
 * Takes the lease `name` for `holder` until `expiresAt`, in one statement: inserted when nobody has it, taken over
 * when its lease ran out by `now`; false (and nothing changed) while another holder's lease runs.
 */
export async function take(db: Executor, name: string, holder: string, now: string, expiresAt: string): Promise<boolean> {
  const result = await db.insertInto('session_leases').values({ name, holder, expires_at: expiresAt })
    .onConflict((oc) => oc.column('name')
      .doUpdateSet((eb) => ({ holder: eb.ref('excluded.holder'), expires_at: eb.ref('excluded.expires_at') }))
      .where('session_leases.expires_at', '<=', now))
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
}

/** Moves the end of `holder`'s lease to `expiresAt`; false when the lease is no longer that holder's (taken over or gone). */
export async function renew(db: Executor, name: string, holder: string, expiresAt: string): Promise<boolean> {
  const result = await db.updateTable('session_leases').set({ expires_at: expiresAt }).where('name', '=', name).where('holder', '=', holder).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Gives up `holder`'s lease, so the next taker need not wait for it to run out; another holder's lease stays. */
export async function release(db: Executor, name: string, holder: string): Promise<void> {
  await db.deleteFrom('session_leases').where('name', '=', name).where('holder', '=', holder).execute()
}

/** The lease `name` as stored, or undefined. */
export async function find(db: Executor, name: string): Promise<{ name: string; holder: string; expires_at: string } | undefined> {
  return db.selectFrom('session_leases').selectAll().where('name', '=', name).executeTakeFirst()
}
