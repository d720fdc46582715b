import type { Lang, Translate } from '../i18n/index'
import { Alert, LanguageSwitch, Page } from './layout'

export interface LoginProps {
  t: Translate
  lang: Lang
  binary: string
  /** The localised reason the last attempt failed. */
  error?: string
  /** The login typed last time (never the password). */
  username?: string
}

/** The login page: posts `func=auth` with the username and password back to the door. */
export function LoginPage(props: LoginProps) {
  const { t, lang, binary } = props
  const product = t('common:product')
  const title = t('panel:login.title')
  return (
    <Page lang={lang} title={`${title} · ${product}`}>
      <main class="login">
        <span class="brand">{product}</span>
        <form class="card" method="post" action={binary}>
          <h1>{title}</h1>
          <Alert message={props.error} />
          <input type="hidden" name="func" value="auth" />
          <label for="username">{t('panel:login.username')}</label>
          <input
            id="username"
            name="username"
            type="text"
            value={props.username ?? ''}
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            autofocus
          />
          <label for="password">{t('panel:login.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            value=""
            autocomplete="current-password"
            required
          />
          <button class="primary" type="submit">
            {t('panel:login.submit')}
          </button>
        </form>
        <LanguageSwitch t={t} lang={lang} binary={binary} here={{ func: 'logon' }} />
      </main>
    </Page>
  )
}
