/** Access levels, as BILLmanager numbers them. */
export const Level = {
  anonymous: 0,
  user: 16,
  reseller: 24,
  admin: 28,
  root: 30,
} as const

export interface Principal {
  id: number
  name: string
  level: number
  lang: string
  /** The reseller the user works for (level 24) or whose client it belongs to. */
  resellerId: number | null
  /** The client a level-16 user belongs to. */
  accountId: number | null
  /** Addresses and CIDR ranges this user may call from; empty: anywhere. */
  allowedAddresses: string
  /** Its client's address list, which applies as well; empty: anywhere. */
  accountAddresses: string
}

/** The principal of a user's record (its other columns left behind). */
export function principalOf(user: Principal): Principal {
  return {
    id: user.id,
    name: user.name,
    level: user.level,
    lang: user.lang,
    resellerId: user.resellerId,
    accountId: user.accountId,
    allowedAddresses: user.allowedAddresses,
    accountAddresses: user.accountAddresses,
  }
}

/** The local superuser of the command line: no row in the database, above every admin. */
export const localRoot: Principal = {
  id: 0,
  name: 'root',
  level: Level.root,
  lang: '',
  resellerId: null,
  accountId: null,
  allowedAddresses: '',
  accountAddresses: '',
}

/** Whoever calls without credentials: reaches only the functions of level 0. */
export const anonymous: Principal = {
  id: -1,
  name: '',
  level: Level.anonymous,
  lang: '',
  resellerId: null,
  accountId: null,
  allowedAddresses: '',
  accountAddresses: '',
}
