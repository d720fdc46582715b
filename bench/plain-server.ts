// A bare node:http server answering every request with one fixed reply: the baseline the gateway
// is measured against. Usage: plain-server.ts <port> <body file> <content type>
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

const [portArg, bodyFile, contentType] = process.argv.slice(2)
if (!portArg || !bodyFile || !contentType) {
  console.error('usage: plain-server.ts <port> <body file> <content type>')
  process.exit(2)
}
const body = readFileSync(bodyFile)
const headers = { 'Content-Type': contentType, 'Content-Length': String(body.length) }

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
