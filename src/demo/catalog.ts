/**
 * What the demo operator sells and how its clients pay, per currency. Prices are written as
 * decimal strings in the currency's major unit and parsed with the currency's places.
 */

export type ProductType = 'vds' | 'hosting' | 'domain' | 'voip'

export interface PlanTemplate {
  name: string
  type: ProductType
  setup: string
  /** Price per period in months; a missing period cannot be ordered. */
  prices: Partial<Record<1 | 3 | 6 | 12, string>>
}

export interface CurrencyCatalog {
  paymethods: readonly (readonly [name: string, weight: number])[]
  plans: readonly PlanTemplate[]
  /** Per-minute prices of calls to a few kinds of destination, cheapest (most common) first. */
  callRates: readonly string[]
}

export const catalogs: Record<'USD' | 'EUR' | 'RUB', CurrencyCatalog> = {
  USD: {
    paymethods: [['Credit card', 6], ['Bank transfer (USD)', 2], ['PayPal', 3]],
    plans: [
      { name: 'VDS Start', type: 'vds', setup: '0', prices: { 1: '6.00', 3: '17.00', 6: '33.00', 12: '60.00' } },
      { name: 'VDS Pro', type: 'vds', setup: '0', prices: { 1: '24.00', 3: '69.00', 6: '135.00', 12: '260.00' } },
      { name: 'Hosting Basic', type: 'hosting', setup: '0', prices: { 1: '2.99', 6: '16.50', 12: '30.00' } },
      { name: 'Hosting Business', type: 'hosting', setup: '5.00', prices: { 1: '8.99', 3: '25.00', 12: '90.00' } },
      { name: 'Domain .com', type: 'domain', setup: '0', prices: { 12: '12.99' } },
      { name: 'VoIP Number', type: 'voip', setup: '5.00', prices: { 1: '4.00', 12: '44.00' } },
      { name: 'VoIP Trunk', type: 'voip', setup: '20.00', prices: { 1: '15.00' } },
    ],
    callRates: ['0.012', '0.025', '0.090', '0.350'],
  },
  EUR: {
    paymethods: [['SEPA transfer', 4], ['Credit card (EUR)', 5]],
    plans: [
      { name: 'VDS Start EU', type: 'vds', setup: '0', prices: { 1: '5.50', 3: '15.90', 12: '55.00' } },
      { name: 'VDS Pro EU', type: 'vds', setup: '0', prices: { 1: '22.00', 6: '125.00', 12: '240.00' } },
      { name: 'Webhosting', type: 'hosting', setup: '0', prices: { 1: '3.49', 12: '34.90' } },
      { name: 'Domain .eu', type: 'domain', setup: '0', prices: { 12: '9.90' } },
      { name: 'VoIP Number EU', type: 'voip', setup: '4.00', prices: { 1: '3.50' } },
    ],
    callRates: ['0.010', '0.022', '0.080', '0.300'],
  },
  RUB: {
    paymethods: [['Банковская карта', 6], ['Банковский перевод', 3], ['СБП', 4]],
    plans: [
      { name: 'VDS Старт', type: 'vds', setup: '0', prices: { 1: '490.00', 3: '1400.00', 6: '2700.00', 12: '5000.00' } },
      { name: 'VDS Про', type: 'vds', setup: '0', prices: { 1: '1990.00', 3: '5700.00', 12: '21500.00' } },
      { name: 'Хостинг Лайт', type: 'hosting', setup: '0', prices: { 1: '190.00', 6: '1080.00', 12: '1990.00' } },
      { name: 'Хостинг Бизнес', type: 'hosting', setup: '300.00', prices: { 1: '590.00', 12: '6500.00' } },
      { name: 'Домен .ru', type: 'domain', setup: '0', prices: { 12: '199.00' } },
      { name: 'Телефонный номер', type: 'voip', setup: '500.00', prices: { 1: '300.00', 12: '3300.00' } },
    ],
    callRates: ['0.90', '1.50', '4.50', '19.00'],
  },
}

export const currencyCodes = Object.keys(catalogs) as (keyof typeof catalogs)[]
