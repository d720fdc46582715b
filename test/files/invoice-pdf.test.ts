import { PDFDict, PDFDocument, PDFName } from 'pdf-lib'
import { describe, expect, it } from 'vitest'
import { adminPassword } from '../helpers'
import { browser } from '../panel/client'
import { adminLogin, asAdmin, fetchFile, filesWorld, staffLogin, userLogin, type FilesWorld } from './world'

/** Invoices the client's expenses of a period as admin; the new invoice's id and number. */
async function invoice(w: FilesWorld, account: number, from: string, to: string) {
  const reply = await w.t.data({ func: 'invoice.generate', account: String(account), from, to, ...asAdmin })
  if (!reply.ok) throw new Error(`invoice.generate failed: ${JSON.stringify(reply)}`)
  return { id: String(reply.id), number: reply.number as string }
}

/** The file channel's answer for an invoice, and its body as text. */
const pdfOf = (w: FilesWorld, id: string, who: Record<string, string>) => fetchFile(w.t, 'invoices/download', { ...who, id_invoices: id })

/** The PDF bytes of an invoice through the file channel, checked to be a PDF. */
async function pdfBytes(w: FilesWorld, id: string, extra: Record<string, string> = {}) {
  const res = await w.t.request(`/admin/invoices/download?${new URLSearchParams({ ...adminLogin, id_invoices: id, ...extra })}`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/pdf')
  return new Uint8Array(await res.arrayBuffer())
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1')

/** The names of the fonts a PDF embeds. */
function fontsOf(doc: PDFDocument): string[] {
  const names: string[] = []
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Type')) !== PDFName.of('Font')) continue
    const base = object.get(PDFName.of('BaseFont'))
    if (object.get(PDFName.of('Subtype')) === PDFName.of('Type0') && base instanceof PDFName) names.push(base.decodeText())
  }
  return names.sort()
}

describe('invoice PDFs', () => {
  it('is an A4 PDF a PDF library opens, named after the invoice, dated by it, the same bytes every time', async () => {
    const w = await filesWorld()
    const made = await invoice(w, w.northClient, '2026-01-01', '2026-01-31')
    const res = await w.t.request(`/admin/invoices/download?${new URLSearchParams({ ...adminLogin, id_invoices: made.id })}`)
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${made.number}.pdf"`)
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(text(bytes.subarray(0, 5))).toBe('%PDF-')
    const doc = await PDFDocument.load(bytes, { updateMetadata: false })
    expect(doc.getPageCount()).toBe(1)
    expect(doc.getPage(0).getSize()).toEqual({ width: 595.28, height: 841.89 })
    expect(doc.getTitle()).toBe(`Invoice ${made.number}`)
    expect(doc.getAuthor()).toBe('billgate')
    expect(doc.getProducer()).toBe('billgate')
    expect(doc.getCreationDate()?.getTime()).toBe(w.t.clock())
    expect(fontsOf(doc)).toEqual(['DejaVuSans', 'DejaVuSans-Bold'])
    w.t.clock.advance(86_400_000)
    expect(Buffer.from(await pdfBytes(w, made.id)).equals(Buffer.from(bytes))).toBe(true)
  })

  it('continues the lines on as many pages as they need', async () => {
    const w = await filesWorld()
    // 40 one-line rows fit under the heading on the first page, 51 on each further page.
    for (let i = 0; i < 120; i++) await w.spend(w.northClient, 1, 100 + i, `Line ${i + 1}`, `2026-05-01T10:00:00`)
    for (let i = 0; i < 30; i++) await w.spend(w.northClient, 1, 100, `Line ${i + 1}`, `2026-06-01T10:00:00`)
    for (let i = 0; i < 20; i++) await w.spend(w.northClient, 1, 100, `A description long enough to need two lines in its column: ${'x'.repeat(40)} ${i}`, `2026-07-01T10:00:00`)
    const long = await invoice(w, w.northClient, '2026-05-01', '2026-05-31')
    const short = await invoice(w, w.northClient, '2026-06-01', '2026-06-30')
    const wrapped = await invoice(w, w.northClient, '2026-07-01', '2026-07-31')
    expect((await PDFDocument.load(await pdfBytes(w, long.id))).getPageCount()).toBe(3)
    expect((await PDFDocument.load(await pdfBytes(w, short.id))).getPageCount()).toBe(1)
    // 20 rows of two lines each (28 points apiece) need two pages.
    expect((await PDFDocument.load(await pdfBytes(w, wrapped.id))).getPageCount()).toBe(2)
  })

  it('prints Cyrillic names and text in Russian, and survives characters the font lacks', async () => {
    const w = await filesWorld({ operatorName: 'ООО «Биллинг» 🧾' })
    await w.spend(w.ownClient, w.bhd, 1500, 'Аренда стойки, март 🚀', '2026-03-10T00:00:00')
    const made = await invoice(w, w.ownClient, '2026-03-01', '2026-03-31')
    const bytes = await pdfBytes(w, made.id, { lang: 'ru' })
    const doc = await PDFDocument.load(bytes)
    expect(doc.getPageCount()).toBe(1)
    expect(doc.getTitle()).toBe(`Счёт ${made.number}`)
    expect(doc.getSubject()).toBe('ООО «Ромашка»')
    expect(doc.getAuthor()).toBe('ООО «Биллинг» 🧾')
  })

  it('is the same file through the URL protocol (out=pdf), which still prints and answers documents', async () => {
    const w = await filesWorld()
    const made = await invoice(w, w.northClient, '2026-01-01', '2026-01-31')
    const channel = await pdfBytes(w, made.id)
    const url = await w.t.request(`/billmgr?${new URLSearchParams({ func: 'invoice.download', elid: made.id, out: 'pdf', ...asAdmin })}`)
    expect(url.headers.get('content-type')).toBe('application/pdf')
    expect(url.headers.get('content-disposition')).toBe(`attachment; filename="${made.number}.pdf"`)
    expect(Buffer.from(await url.arrayBuffer()).equals(Buffer.from(channel))).toBe(true)
    const print = await w.t.call({ func: 'invoice.download', elid: made.id, out: 'print', ...asAdmin })
    expect(print.res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(print.text).toContain(made.number)
    const doc = await w.t.data({ func: 'invoice.download', elid: made.id, ...asAdmin })
    expect(doc).toMatchObject({ number: made.number, total: '5.00', currency: 'USD', account_name: 'Smith, "Jr" & Co' })
  })

  it('is linked from each invoice row of the panel', async () => {
    const w = await filesWorld()
    const made = await invoice(w, w.northClient, '2026-01-01', '2026-01-31')
    const b = browser(w.t)
    await b.post({ func: 'auth', username: 'admin', password: adminPassword })
    const page = await b.get('/billmgr?func=invoice')
    const link = new RegExp(`<a href="(/billmgr\\?func=invoice\\.download&amp;elid=${made.id}&amp;out=pdf)">PDF</a>`).exec(page.html)
    expect(link, 'PDF link').not.toBeNull()
    const file = await w.t.request(link![1].replace(/&amp;/g, '&'), { headers: b.headers() })
    expect(file.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(await pdfBytes(w, made.id)))).toBe(true)
  })

  it('gives staff their reseller\'s clients\' invoices only, and client users their own', async () => {
    const w = await filesWorld()
    const northInvoice = await invoice(w, w.northClient, '2026-01-01', '2026-01-31')
    const southInvoice = await invoice(w, w.southClient, '2026-02-01', '2026-02-28')
    expect((await pdfOf(w, northInvoice.id, staffLogin)).res.status).toBe(200)
    expect((await pdfOf(w, southInvoice.id, userLogin)).res.status).toBe(200)
    for (const [id, who] of [[southInvoice.id, staffLogin], [northInvoice.id, userLogin]] as const) {
      const { res, text } = await pdfOf(w, id, who)
      expect(res.status).toBe(403)
      expect(res.headers.get('x-vcs-status')).toBe('2')
      expect(JSON.parse(text)).toEqual({
        code: false,
        errors: [{ code: 'access', field: 'id_invoices', value: id, message: `You are not allowed to work with the object ${id}` }],
      })
    }
  })
})
