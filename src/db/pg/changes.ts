import pg from 'pg'

/** The channel every committed write notifies: the writing process's token, then the tables written, space-separated. */
export const changesChannel = 'billgate_changes'

/** How long to wait before connecting again after the listening connection was lost (ms). */
const reconnectDelay = 1000

/**
 * Hears of writes committed by other processes on the same database (other gateways, the
 * command line) over one LISTEN connection of its own, connecting again by itself when it is
 * lost. While it is not listening, nothing it would have heard can be trusted to be known:
 * `listening` is false, and every `stamp` is new.
 */
export class ChangeFeed {
  private client?: pg.Client
  private timer?: NodeJS.Timeout
  private closed = false
  listening = false
  /** Changes heard of, counting each connection and loss as one (what was committed meanwhile is unknown). */
  private heard = 0
  /** Connections made and lost. */
  private epoch = 0
  private unheard = 0

  constructor(
    private readonly url: string,
    /** This process's own notifications carry it and are not news here. */
    private readonly ownToken: string,
    /** Told of each commit heard of, with the tables it wrote (none when it did not say). */
    private readonly onCommit: (tables: string[]) => void = () => undefined,
  ) {}

  /** Starts listening; resolves once it listens, or once connecting failed (it then tries again by itself). */
  start(): Promise<void> {
    return this.client || this.timer || this.closed ? Promise.resolve() : this.connect()
  }

  /** Changes when another process has committed since the last stamp; new on every call while not listening. */
  stamp(): unknown {
    return this.listening ? this.heard : `unheard ${++this.unheard}`
  }

  /** Changes when commits may have been missed (a connection made or lost); new on every call while not listening. */
  continuity(): unknown {
    return this.listening ? this.epoch : `unheard ${++this.unheard}`
  }

  private async connect(): Promise<void> {
    this.timer = undefined
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000 })
    this.client = client
    client.on('notification', (message) => {
      const [token, ...tables] = (message.payload ?? '').split(' ')
      if (token === this.ownToken) return
      this.heard++
      this.onCommit(tables)
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
      this.heard++
      this.epoch++
    } catch {
      this.lost(client)
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return
    this.client = undefined
    this.listening = false
    void endClient(client)
    this.heard++
    this.epoch++
    if (!this.closed) this.timer = setTimeout(() => void this.connect(), reconnectDelay).unref()
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
