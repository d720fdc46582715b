import { canSu } from './access'
import type { Call } from './call'
import { csrfToken } from './csrf'
import { authFailed, denied } from './errors'
import { localRoot, principalOf, type Principal } from './principal'
import { writes, type FunctionDef } from './registry'
import type { Authentication } from './services'

/** The session a call came with: its handle, and its token (to derive the CSRF token). */
export interface CallSession {
  handle: string
  token: string
}

/** Who a call proved to be, if anyone, and with which session. */
export interface Authenticated {
  principal?: Principal
  session?: CallSession
}

/** Checks the call's credentials, the first kind it brings. `isPublic`: the function is of level 0. */
export async function authenticate(
  auth: Authentication,
  call: Call,
  isPublic: boolean,
  now: number,
): Promise<Authenticated> {
  const creds = call.credentials
  if (creds.local) return { principal: localRoot }
  if (creds.authinfo !== undefined) return { principal: await auth.authinfo(creds.authinfo, call.address, now) }
  if (creds.password) {
    return { principal: principalOf(await auth.verify(creds.password.login, creds.password.password, call.address, now)) }
  }
  if (creds.session) {
    try {
      const found = await auth.session(creds.session, call.address, now)
      return { principal: found.principal, session: { handle: found.handle, token: creds.session } }
    } catch (err) {
      // A stale cookie must not stop anyone from reaching the login function itself.
      if (isPublic) return {}
      throw err
    }
  }
  return {}
}

/** The user `su` names, if the actor may act as it. */
export async function switchUser(auth: Authentication, actor: Principal, login: string): Promise<Principal> {
  const target = await auth.findUser(login)
  if (!target || !canSu(actor, target)) throw denied('su', login)
  return principalOf(target)
}

/** Refuses a caller below the function's level, and a browser's write without its CSRF token. */
export function checkAccess(def: FunctionDef, call: Call, user: Principal | undefined, session: CallSession | undefined): void {
  if (def.level > (user?.level ?? 0)) throw user ? denied('func', call.func) : authFailed('session')
  if (call.credentials.sessionFromCookie && writes(def, call.sok) && session) {
    if (call.params.csrf !== csrfToken(session.token)) throw denied('csrf')
  }
}
