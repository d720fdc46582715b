import { describe, expect, it } from 'vitest'
import { ConfigError, defaultConfig, loadConfig, parseConfig } from '../src/config'

describe('config', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      port: 1500,
      dbPath: 'db/billgate.sqlite',
      sessionIdle: 3600,
      authinfoAllow: ['127.0.0.0/8', '::1'],
      trustedProxies: [],
      lang: 'en',
    })
    expect(config.adminPassword).toBeUndefined()
  })

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      BILLGATE_DB: '/var/lib/billgate/db.sqlite',
      BILLGATE_SESSION_IDLE: '600',
      BILLGATE_AUTHINFO_ALLOW: '10.0.0.0/8, 2001:db8::/32 192.0.2.1',
      BILLGATE_TRUSTED_PROXIES: '10.0.0.1',
      BILLGATE_LANG: 'ru',
      BILLGATE_ADMIN_PASSWORD: 'long-enough',
    })
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dbPath: '/var/lib/billgate/db.sqlite',
      sessionIdle: 600,
      authinfoAllow: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1'],
      trustedProxies: ['10.0.0.1'],
      lang: 'ru',
      adminPassword: 'long-enough',
    })
  })

  it('reports every problem at once', () => {
    const problems: string[] = []
    parseConfig({ PORT: '70000', BILLGATE_LANG: 'de', BILLGATE_TRUSTED_PROXIES: 'proxy.local', BILLGATE_ADMIN_PASSWORD: 'short' }, problems)
    expect(problems).toHaveLength(4)
    expect(() => loadConfig({ BILLGATE_SESSION_IDLE: 'soon' })).toThrow(ConfigError)
  })

  it('rejects an unknown key in the config file', () => {
    expect(defaultConfig.lang).toBe('en')
    expect(() => loadConfig({ BILLGATE_CONFIG: '/nonexistent/billgate.json' })).toThrow(/nonexistent/)
  })
})
