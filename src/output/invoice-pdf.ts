import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { PDFFont, PDFPage } from 'pdf-lib'

/**
 * An invoice as an A4 PDF: the operator, the invoice's number and dates, the client, its lines
 * (a table that continues on as many pages as it needs, its header repeated) and the total.
 * Set in DejaVu Sans, which covers Latin, Cyrillic and Greek; subsets of it are embedded under
 * fixed names, and the document's dates are the invoice's, so the same invoice gives the same
 * bytes. The PDF library is loaded with the first invoice asked for (it is large, and a server
 * that never makes one need not hold it).
 */

/** What the PDF shows: the invoice report's data. */
export interface InvoiceSheet {
  operator: string
  number: string
  status: string
  created: string
  period_from: string
  period_to: string
  paid: string | null
  account_name: string
  account_email: string
  lines: { date: string; description: string; amount: string }[]
  total: string
  currency: string
  issuedAt: number
}

/** The sheet's words in the reader's language: its title, the labels of its fields, its footer. */
export interface SheetWords {
  title: string
  label(name: string): string
  /** `Page 1 of 3`. */
  page(page: number, pages: number): string
}

/** A4 in points. */
const [pageWidth, pageHeight] = [595.28, 841.89]
const margin = 50
const right = pageWidth - margin
const bottom = margin + 20
const textSize = 10
const lineGap = 14
const dateColumn = margin
const descriptionColumn = margin + 80
const amountRight = right
const descriptionWidth = amountRight - 90 - descriptionColumn

const fontFile = (name: string) => readFileSync(createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${name}`))

type Fontkit = typeof import('@pdf-lib/fontkit')

let library: Promise<{ pdf: typeof import('pdf-lib'); fontkit: Fontkit; regular: Uint8Array; bold: Uint8Array }> | undefined

/** The PDF library, the font engine and the font files, loaded once. */
function pdfLibrary() {
  library ??= Promise.all([import('pdf-lib'), import('@pdf-lib/fontkit')]).then(([pdf, fontkit]) => ({
    pdf,
    // A CommonJS module: what it exports is its default.
    fontkit: (fontkit as unknown as { default: Fontkit }).default,
    regular: fontFile('DejaVuSans.ttf'),
    bold: fontFile('DejaVuSans-Bold.ttf'),
  }))
  return library
}

/** One line of text: control characters (which a font cannot show) as spaces. */
const oneLine = (text: string) => text.replace(/[\u0000-\u001F\u007F]/g, ' ')

/** Splits text into lines no wider than `width`, at spaces where it can, inside a word where it must. */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width
  const lines: string[] = []
  let current = ''
  for (const word of oneLine(text).split(' ')) {
    const candidate = current ? `${current} ${word}` : word
    if (fits(candidate)) {
      current = candidate
      continue
    }
    if (current) lines.push(current)
    current = ''
    let rest = word
    while (rest && !fits(rest)) {
      let cut = rest.length - 1
      while (cut > 1 && !fits(rest.slice(0, cut))) cut--
      lines.push(rest.slice(0, cut))
      rest = rest.slice(cut)
    }
    current = rest
  }
  if (current || !lines.length) lines.push(current)
  return lines
}

export async function invoicePdf(sheet: InvoiceSheet, words: SheetWords): Promise<Uint8Array> {
  const { label } = words
  const { pdf, fontkit, regular: regularBytes, bold: boldBytes } = await pdfLibrary()
  const { rgb } = pdf
  const grey = rgb(0.4, 0.4, 0.4)
  const doc = await pdf.PDFDocument.create({ updateMetadata: false })
  doc.registerFontkit(fontkit)
  const regular = await doc.embedFont(regularBytes, { subset: true, customName: 'DejaVuSans' })
  const bold = await doc.embedFont(boldBytes, { subset: true, customName: 'DejaVuSans-Bold' })
  const issued = new Date(sheet.issuedAt)
  const title = `${words.title} ${sheet.number}`
  doc.setTitle(title, { showInWindowTitleBar: true })
  doc.setAuthor(oneLine(sheet.operator))
  doc.setSubject(oneLine(sheet.account_name))
  doc.setCreator('billgate')
  doc.setProducer('billgate')
  doc.setCreationDate(issued)
  doc.setModificationDate(issued)

  let page: PDFPage = doc.addPage([pageWidth, pageHeight])
  let y = pageHeight - margin
  const text = (s: string, x: number, font: PDFFont = regular, size = textSize, color = rgb(0, 0, 0)) =>
    page.drawText(oneLine(s), { x, y, size, font, color })
  const textRight = (s: string, xRight: number, font: PDFFont = regular, size = textSize) =>
    text(s, xRight - font.widthOfTextAtSize(oneLine(s), size), font, size)
  const rule = (thickness = 0.5) => page.drawLine({ start: { x: margin, y: y - 4 }, end: { x: right, y: y - 4 }, thickness, color: grey })

  text(sheet.operator, margin, bold, 16)
  y -= 30
  text(title, margin, bold, 14)
  y -= 24
  const facts: [string, string | null][] = [
    ['created', sheet.created],
    ['period_from', sheet.period_from],
    ['period_to', sheet.period_to],
    ['status', sheet.status],
    ['paid', sheet.paid],
    ['account_name', sheet.account_name],
    ['account_email', sheet.account_email],
  ]
  for (const [name, value] of facts) {
    if (value === null || value === '') continue
    text(`${label(name)}:`, margin, regular, textSize, grey)
    for (const [i, part] of wrap(value, regular, textSize, right - margin - 110).entries()) {
      if (i) y -= lineGap
      text(part, margin + 110)
    }
    y -= lineGap
  }
  y -= 16

  const tableHeader = () => {
    text(label('date'), dateColumn, bold)
    text(label('description'), descriptionColumn, bold)
    textRight(label('amount'), amountRight, bold)
    rule()
    y -= lineGap + 4
  }
  const newPage = () => {
    page = doc.addPage([pageWidth, pageHeight])
    y = pageHeight - margin
    tableHeader()
  }
  tableHeader()
  for (const line of sheet.lines) {
    const parts = wrap(line.description, regular, textSize, descriptionWidth)
    if (y - (parts.length - 1) * lineGap < bottom) newPage()
    text(line.date, dateColumn)
    textRight(line.amount, amountRight)
    for (const [i, part] of parts.entries()) {
      if (i) y -= lineGap
      text(part, descriptionColumn)
    }
    y -= lineGap
  }
  if (y - lineGap < bottom) newPage()
  y += lineGap - 4
  rule(1)
  y -= lineGap + 6
  textRight(`${label('total')}: ${sheet.total} ${sheet.currency}`, amountRight, bold, 12)

  const pages = doc.getPages()
  for (const [i, each] of pages.entries()) {
    const footer = words.page(i + 1, pages.length)
    each.drawText(footer, { x: right - regular.widthOfTextAtSize(footer, 8), y: margin - 20, size: 8, font: regular, color: grey })
  }
  return doc.save()
}
