export * from './users'
export * from './currencies'
