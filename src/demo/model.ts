import type { ProductType } from './catalog'

/** The demo data as planned in memory before (and while) it is written. */

export interface Currency {
  id: number
  code: 'USD' | 'EUR' | 'RUB'
  places: number
}

export interface Reseller {
  id: number
  name: string
  email: string
  /** Lower-case Latin name for addresses. */
  slug: string
  currency: Currency
  createdAt: number
}

export interface Client {
  /** Position in the clients array (sorted by creation); per-client totals are kept by it. */
  index: number
  id: number
  name: string
  email: string
  slug: string
  reseller: Reseller | null
  currency: Currency
  creditLimit: number
  status: 'active' | 'suspended' | 'archived'
  lang: string
  createdAt: number
}

export interface Plan {
  id: number
  name: string
  type: ProductType
  currency: Currency
  setupFee: number
  /** Price per period, by months. */
  prices: Map<number, number>
}

export interface Service {
  id: number
  client: Client
  plan: Plan
  name: string
  period: number
  status: number
  suspendReason: string
  createdAt: number
  expiresAt: number | null
  autoRenew: boolean
  cost: number
  /** Periods charged so far. */
  periodsPaid: number
}

export interface Expense {
  id: number
  client: Client
  service: Service | null
  amount: number
  createdAt: number
  description: string
}

/** What each client has been charged and credited, in minor units, by client index. */
export class Books {
  readonly charged: number[]
  readonly credited: number[]

  constructor(clients: number) {
    this.charged = new Array<number>(clients).fill(0)
    this.credited = new Array<number>(clients).fill(0)
  }

  balance(client: Client): number {
    return this.credited[client.index] - this.charged[client.index]
  }
}
