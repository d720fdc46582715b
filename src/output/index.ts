import type { Document } from './document'
import { toData, toJson } from './json'
import { toPrint } from './print'
import { toText } from './text'
import { toXml } from './xml'

export interface Serialized {
  body: string
  contentType: string
}

type Serializer = (doc: Document) => Serialized

const xml: Serializer = (doc) => ({ body: toXml(doc), contentType: 'text/xml; charset=UTF-8' })
const json: Serializer = (doc) => ({ body: toJson(doc), contentType: 'application/json; charset=UTF-8' })
const data: Serializer = (doc) => ({ body: toData(doc), contentType: 'application/json; charset=UTF-8' })

/** Every `out=` value and the serializer that writes it. devel and xjson differ in content, not form. */
export const serializers: Record<string, Serializer> = {
  xml,
  devel: xml,
  json,
  sjson: json,
  xjson: json,
  JSONdata: data,
  bjson: data,
  text: (doc) => ({ body: toText(doc), contentType: 'text/plain; charset=UTF-8' }),
  print: (doc) => ({ body: toPrint(doc), contentType: 'text/html; charset=UTF-8' }),
}

export function isFormat(out: string): boolean {
  return Object.hasOwn(serializers, out)
}

const jsonFormats = new Set(['json', 'sjson', 'xjson', 'JSONdata', 'bjson'])

export function isJsonFormat(out: string): boolean {
  return jsonFormats.has(out)
}

/** A JSONP callback name: a dotted JavaScript identifier, nothing that could carry script. */
export function isCallbackName(name: string): boolean {
  return /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(name) && name.length <= 64
}

export function serialize(doc: Document, out: string, callback?: string): Serialized {
  const result = serializers[out](doc)
  if (callback && isJsonFormat(out)) {
    return { body: `/**/${callback}(${result.body});`, contentType: 'application/javascript; charset=UTF-8' }
  }
  return result
}
