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
  parentId: number | null
  /** Addresses and CIDR ranges this user may call from; empty: anywhere. */
  allowedAddresses: string
}

/** The local superuser of the command line: no row in the database, above every admin. */
export const localRoot: Principal = {
  id: 0,
  name: 'root',
  level: Level.root,
  lang: '',
  parentId: null,
  allowedAddresses: '',
}

/** Whoever calls without credentials: reaches only the functions of level 0. */
export const anonymous: Principal = {
  id: -1,
  name: '',
  level: Level.anonymous,
  lang: '',
  parentId: null,
  allowedAddresses: '',
}
