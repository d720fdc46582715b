import { controlOf } from '../core/documents'
import type { ParamSpec, ParamSpecs } from '../core/params'
import { isSecret } from '../core/params'
import type { Translate } from '../i18n/index'
import type { Document } from '../output/document'
import { leafValue } from './doc'
import { labelOf, valueLabel } from '../core/labels'
import { Alert, Layout, type Chrome } from './layout'

export type FormValues = Record<string, string | boolean>

export interface FormProps {
  chrome: Chrome
  /** The function the form submits to. */
  func: string
  fields: ParamSpecs
  title: string
  subtitle?: string
  /** The element edited; empty when creating. */
  elid?: string
  values: FormValues
  /** Choices of the selects, as the function offers them to this user. */
  choices: Record<string, [string, string][]>
  error?: string
  /** The field the error is about, marked invalid. */
  errorField?: string
  /** Forms apply with `sok=ok`; actions run without it. */
  sok: boolean
  /** The user may only look: every field read-only, no submit button. */
  viewOnly?: boolean
  submitLabel: string
  /** Where Cancel leads. */
  cancel?: string
  /** The parent of the element (a client's custom field), carried back with the form. */
  plid?: string
}

/** Current values of a form's fields, from the form's reply. */
export function valuesFrom(doc: Document, fields: ParamSpecs): FormValues {
  const out: FormValues = {}
  for (const [name, spec] of Object.entries(fields)) {
    const value = leafValue(doc, name)
    if (spec.type === 'flag') out[name] = value === true || value === 'on'
    else out[name] = value === undefined || value === null || value === false ? '' : String(value)
  }
  return out
}

/** What was submitted, for showing the form again after an error; secrets are never echoed. */
export function submittedValues(params: Record<string, string>, fields: ParamSpecs): FormValues {
  const out: FormValues = {}
  for (const [name, spec] of Object.entries(fields)) {
    if (spec.readonly || isSecret(name, spec)) continue
    if (spec.type === 'flag') out[name] = params[name] === 'on'
    else if (params[name] !== undefined) out[name] = params[name]
  }
  return out
}

/** A form built from a function's declared fields; posts back to the door with the CSRF token. */
export function FormPage(props: FormProps) {
  const { chrome, func, fields, elid } = props
  const { t, binary } = chrome
  const editing = Boolean(elid)
  // Looked at only, or fixed since the element was created: shown, not offered for change.
  const fixed = (spec: ParamSpec): ParamSpec =>
    props.viewOnly || (editing && spec.fixed) ? { ...spec, readonly: true, required: false } : spec
  const shown = Object.entries(fields)
    .filter(([name, spec]) => !(props.viewOnly && isSecret(name, spec)))
    .map(([name, spec]): [string, ParamSpec] => [name, fixed(spec)])
    .filter(([, spec]) => !spec.readonly || editing)
  // A form whose every field is read-only (an issued invoice) is only looked at.
  const viewOnly = props.sok && shown.every(([, spec]) => spec.readonly)
  return (
    <Layout chrome={chrome} title={props.title}>
      <h1>
        {props.title}
        {props.subtitle ? <small>{props.subtitle}</small> : null}
      </h1>
      <form class="edit card" method="post" action={binary}>
        <Alert message={props.error} />
        <input type="hidden" name="func" value={func} />
        {editing ? <input type="hidden" name="elid" value={elid} /> : null}
        {props.plid ? <input type="hidden" name="plid" value={props.plid} /> : null}
        {props.sok && !viewOnly ? <input type="hidden" name="sok" value="ok" /> : null}
        <input type="hidden" name="csrf" value={chrome.csrf} />
        {shown.map(([name, spec]) => (
          <Field
            t={t}
            func={func}
            name={name}
            spec={spec}
            value={props.values[name]}
            choices={props.choices[name]}
            editing={editing}
            invalid={props.errorField === name}
          />
        ))}
        <div class="actions">
          {viewOnly ? null : (
            <button class="primary" type="submit">
              {props.submitLabel}
            </button>
          )}
          {props.cancel ? (
            <a class="button" href={props.cancel}>
              {t('panel:form.cancel')}
            </a>
          ) : null}
        </div>
      </form>
    </Layout>
  )
}

interface FieldProps {
  t: Translate
  func: string
  name: string
  spec: ParamSpec
  value: string | boolean | undefined
  choices?: [string, string][]
  editing: boolean
  invalid: boolean
}

function Field(props: FieldProps) {
  const { t, func, name, spec, editing } = props
  const id = `field-${name}`
  const text = typeof props.value === 'string' ? props.value : ''
  const secret = isSecret(name, spec)
  const required = Boolean(spec.required) && !(editing && secret)
  const invalid = props.invalid ? 'true' : undefined
  const common = { id, name, 'aria-invalid': invalid }
  let control
  if (spec.readonly && spec.type === 'flag') {
    // Shown, never submitted: no name.
    control = <input id={id} type="checkbox" checked={props.value === true} disabled />
  } else if (spec.readonly) {
    const chosen = props.choices?.find(([k]) => k === text)?.[1]
    const shown = chosen ?? (spec.type === 'enum' && text ? valueLabel(t, func, name, text) : text)
    control = <input id={id} type="text" value={shown} readonly />
  } else {
    // Data-driven choices (currencies, resellers) turn a plain field into a select.
    switch (props.choices?.length && controlOf(spec) === 'text' ? 'select' : controlOf(spec)) {
      case 'checkbox':
        control = <input {...common} type="checkbox" value="on" checked={props.value === true} />
        break
      case 'select': {
        const choices = props.choices ?? []
        const known = choices.some(([k]) => k === text)
        const empty = !spec.required && (spec.default ?? '') === ''
        control = (
          <select {...common} required={required}>
            {empty ? <option value="">{t('panel:form.unset')}</option> : null}
            {!known && text ? <option value={text}>{text}</option> : null}
            {choices.map(([k, label]) => (
              <option value={k} selected={k === text}>
                {label}
              </option>
            ))}
          </select>
        )
        break
      }
      case 'textarea':
        control = (
          <textarea {...common} rows={3} maxlength={spec.max} required={required}>
            {text}
          </textarea>
        )
        break
      case 'password':
        control = (
          <input
            {...common}
            type="password"
            value=""
            autocomplete="new-password"
            required={required}
          />
        )
        break
      default:
        control = (
          <input
            {...common}
            type={inputType(spec)}
            value={text}
            maxlength={spec.type === 'int' ? undefined : spec.max}
            required={required}
            inputmode={spec.type === 'int' ? 'numeric' : undefined}
          />
        )
    }
  }
  return (
    <div class="field">
      <span class="name">
        <label for={id}>{labelOf(t, func, name)}</label>
        {required ? (
          <span class="req" title={t('panel:form.required')} aria-hidden="true">
            *
          </span>
        ) : null}
      </span>
      {control}
      {secret && editing && !spec.readonly ? (
        <span class="hint">{t('panel:form.keepSecret')}</span>
      ) : null}
      {spec.type === 'addresses' ? <span class="hint">{t('panel:form.addressesHint')}</span> : null}
    </div>
  )
}

function inputType(spec: ParamSpec): string {
  switch (spec.type) {
    case 'email':
      return 'email'
    case 'date':
      return 'date'
    default:
      return 'text'
  }
}
