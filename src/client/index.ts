export { createClient, RpcProtocolError, type JsonRpcClient, type MethodTree } from './jsonrpc'
export { createUrlClient, type UrlClient } from './billmgr'
export type * from './types'
