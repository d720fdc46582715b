import pg from 'pg'

/** The channel every committed write notifies, with the writing process's token as payload. */
export const changesChannel = 'billgate_changes'

/** How long to wait before connecting again after the listening connection was lost (ms). */
const reconnectDelay = 1000

/**
 * Hears of writes committed by other processes on the same database (other gateways, the
 * command line) over one LISTEN connection of its own, connecting again by itself when it is
 * lost. While it is not listening, nothing it would have heard can be trusted to be known:
 * `listening` is false, and subscribers are told of a change when it connects again.
 */
export class ChangeFeed {
  private client?: pg.Client
  private timer?: NodeJS.Timeout
  private closed = false
  private readonly subscribers = new Set<() => void>()
  listening = false
  /** How many changes were told of: a reading of the data is current while this and `listening` hold. */
  heard = 0

  constructor(
    private readonly url: string,
    /** This process's own notifications carry it and are not news here. */
    private readonly ownToken: string,
  ) {}

  /** Starts listening; resolves once it listens, or once connecting failed (it tries again when subscribed to). */
  start(): Promise<void> {
    return this.client || this.timer || this.closed ? Promise.resolve() : this.connect()
  }

  /** Calls `onChange` after each commit elsewhere; returns what stops it. Connects if not listening yet. */
  subscribe(onChange: () => void): () => void {
    this.subscribers.add(onChange)
    void this.start()
    return () => this.subscribers.delete(onChange)
  }

  private async connect(): Promise<void> {
    this.timer = undefined
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000 })
    this.client = client
    client.on('notification', (message) => {
      if (message.payload !== this.ownToken) this.tell()
    })
    client.on('error', () => this.lost(client))
    client.on('end', () => this.lost(client))
    try {
      await client.connect()
      await client.query(`listen ${changesChannel}`)
      // Like the pool's idle connections, listening alone keeps no process alive.
      streamOf(client)?.unref?.()
      if (this.closed || this.client !== client) return endClient(client)
      this.listening = true
      // Whatever was committed while nobody listened is unknown: caches start again.
      this.tell()
    } catch {
      this.lost(client)
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return
    this.client = undefined
    this.listening = false
    void endClient(client)
    this.tell()
    if (!this.closed && this.subscribers.size) this.timer = setTimeout(() => void this.connect(), reconnectDelay).unref()
  }

  private tell(): void {
    this.heard++
    for (const onChange of this.subscribers) onChange()
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    const client = this.client
    this.client = undefined
    this.listening = false
    if (client) await endClient(client)
  }
}

function streamOf(client: pg.Client): { ref?(): void; unref?(): void } | undefined {
  return (client as unknown as { connection?: { stream?: { ref?(): void; unref?(): void } } }).connection?.stream
}

/** Ends a connection, holding the process open until it has (an unreferenced socket would not). */
async function endClient(client: pg.Client): Promise<void> {
  streamOf(client)?.ref?.()
  await client.end().catch(() => undefined)
}
