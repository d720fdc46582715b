// A bare node:http server answering every request with one fixed reply: the baseline the gateway
// is measured against. Usage: plain-server.ts <port> <body file> <headers JSON file>
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

const [portArg, bodyFile, headersFile] = process.argv.slice(2)
if (!portArg || !bodyFile || !headersFile) {
  console.error('usage: plain-server.ts <port> <body file> <headers JSON file>')
  process.exit(2)
}
const body = readFileSync(bodyFile)
// The same headers as the gateway's reply, so both put the same bytes on the wire.
const headers: Record<string, string> = {
  ...(JSON.parse(readFileSync(headersFile, 'utf8')) as Record<string, string>),
  'Content-Length': String(body.length),
}

const server = createServer((_req, res) => {
  res.writeHead(200, headers)
  res.end(body)
})
server.on('error', (err) => {
  console.error(`plain-server: ${err.message}`)
  process.exit(1)
})
server.listen(Number(portArg), '127.0.0.1', () => {
  console.log(`plain-server: listening on 127.0.0.1:${portArg} (${body.length} bytes)`)
})
process.on('SIGTERM', () => {
  server.close(() => process.exit(0))
  server.closeAllConnections()
})
