import { authinfo, fetchReply, query, type Reply } from './gateway'

/** Payments in the list the JSON-RPC scenarios compare: one page of the default size. */
export const paymentCount = 20
/** Calls in the batch scenario. */
export const batchSize = 10

/** A JSON-RPC POST as the load generator sends it. */
export interface RpcPost {
  url: string
  body: string
  headers: Record<string, string>
}

/** Creates a client with paymentCount payments through the URL protocol (authinfo). */
export async function seedPayments(endpoint: string): Promise<void> {
  const create = async (params: Record<string, string>) => {
    const reply = await fetchReply(`${endpoint}?${query({ authinfo, out: 'JSONdata', sok: 'ok', ...params })}`)
    const parsed = JSON.parse(reply.body.toString('utf8')) as { ok?: boolean; id?: number }
    if (reply.status !== 200 || parsed.ok !== true) throw new Error(`${params.func} failed: ${reply.body.toString('utf8').slice(0, 500)}`)
    return parsed.id as number
  }
  const account = await create({ func: 'account.edit', name: 'Bench Client', currency: 'USD' })
  for (let i = 1; i <= paymentCount; i++) {
    await create({ func: 'payment.edit', account: String(account), amount: `${i}.50`, sender: `Bench Sender ${i}` })
  }
}

/** The payment list as one call, or as a batch of batchSize calls, on a session. */
export function paymentCalls(endpoint: string, session: string, batch: boolean): RpcPost {
  const call = (id: number) => ({ jsonrpc: '2.0', method: 'payment', params: { SID: session }, id })
  const body = batch ? Array.from({ length: batchSize }, (_, i) => call(i + 1)) : call(1)
  return {
    url: endpoint.replace(/\/billmgr$/, '/jsonrpc/'),
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  }
}

export async function fetchRpcReply(post: RpcPost): Promise<Reply> {
  const res = await fetch(post.url, { method: 'POST', body: post.body, headers: post.headers })
  const headers: Record<string, string> = {}
  res.headers.forEach((value, name) => (headers[name] = value))
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers, body: Buffer.from(await res.arrayBuffer()) }
}

/**
 * Fails unless the reply is the whole payment list: the URL protocol's json document, or a
 * JSON-RPC result (each entry of a batch) with paymentCount rows.
 */
export function checkPaymentList(reply: Reply, kind: 'json' | 'rpc' | 'batch', what: string): void {
  const text = reply.body.toString('utf8')
  const fail = (why: string): never => {
    throw new Error(`${what}: ${why}\nHTTP ${reply.status} ${reply.contentType}\n${text.slice(0, 1000)}`)
  }
  if (reply.status !== 200) fail('not HTTP 200')
  if (!reply.contentType.startsWith('application/json')) fail('not application/json')
  let parsed: any
  try {
    parsed = JSON.parse(text)
  } catch {
    fail('not JSON')
  }
  if (kind === 'json') {
    if (!Array.isArray(parsed.doc?.elem) || parsed.doc.elem.length !== paymentCount) fail(`expected ${paymentCount} "elem" entries`)
    return
  }
  const entries = kind === 'batch' ? parsed : [parsed]
  if (!Array.isArray(entries) || entries.length !== (kind === 'batch' ? batchSize : 1)) fail('wrong number of entries')
  for (const entry of entries) {
    if (entry.result?.code !== true) fail('not a successful result')
    if (entry.result.return.rows.length !== paymentCount || entry.result.return.total !== paymentCount) fail(`expected ${paymentCount} rows`)
  }
}
