import type { Child } from 'hono/jsx'
import type { Principal } from '../core/principal'
import type { Lang, Translate } from '../i18n/index'
import { supportedLanguages } from '../i18n/index'
import { href, type Params } from './http'
import { css } from './style'

export interface MenuItem {
  name: string
  title: string
}

/** What every page of a logged-in user shares: language, who, menu, CSRF token. */
export interface Chrome {
  t: Translate
  lang: Lang
  binary: string
  user: Principal
  /** The CSRF token of the session, for every form that changes something. */
  csrf: string
  menu: MenuItem[]
  /** The menu entry to mark as the current one. */
  current?: string
  /** Parameters that reopen this page (for the language switch). */
  here: Params
}

/** The HTML document around any page. */
export function Page(props: { lang: Lang; title: string; children?: Child }) {
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <style>{css}</style>
      </head>
      <body>{props.children}</body>
    </html>
  )
}

/** Links that reopen the current page in each language. */
export function LanguageSwitch(props: { t: Translate; lang: Lang; binary: string; here: Params }) {
  const { t, lang, binary, here } = props
  return (
    <nav class="langs" aria-label={t('panel:header.language')}>
      {supportedLanguages.map((l) => (
        <a
          href={href(binary, { ...here, lang: l })}
          hreflang={l}
          lang={l}
          aria-current={l === lang ? 'true' : undefined}
        >
          {t(`panel:lang.${l}`)}
        </a>
      ))}
    </nav>
  )
}

/** Header (product, menu, user, language, logout) and the page's content. */
export function Layout(props: { chrome: Chrome; title: string; children?: Child }) {
  const { t, lang, binary, user, csrf, menu, current, here } = props.chrome
  const product = t('common:product')
  return (
    <Page lang={lang} title={`${props.title} · ${product}`}>
      <header class="top">
        <a class="brand" href={binary}>
          {product}
        </a>
        <nav class="menu" aria-label={t('panel:header.menu')}>
          {menu.map((item) => (
            <a
              href={href(binary, { func: item.name })}
              aria-current={item.name === current ? 'page' : undefined}
            >
              {item.title}
            </a>
          ))}
        </nav>
        <span class="who" title={t('panel:header.user')}>
          {user.name}
        </span>
        <LanguageSwitch t={t} lang={lang} binary={binary} here={here} />
        <form class="logout" method="post" action={binary}>
          <input type="hidden" name="func" value="logout" />
          <input type="hidden" name="csrf" value={csrf} />
          <button type="submit">{t('panel:header.logout')}</button>
        </form>
      </header>
      <main>{props.children}</main>
    </Page>
  )
}

/** An error message, announced to assistive technology. */
export function Alert(props: { message?: string }) {
  if (props.message === undefined) return null
  return (
    <p class="alert" role="alert">
      {props.message}
    </p>
  )
}

/** A page that only reports an error (or a plain message) inside the layout. */
export function MessagePage(props: {
  chrome: Chrome
  title: string
  error?: string
  children?: Child
}) {
  return (
    <Layout chrome={props.chrome} title={props.title}>
      <h1>{props.title}</h1>
      <Alert message={props.error} />
      {props.children}
    </Layout>
  )
}
