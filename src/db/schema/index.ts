export * from './users'
export * from './currencies'
export * from './catalog'
export * from './resellers'
