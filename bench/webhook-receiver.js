// A webhook receiver for bench/webhooks.sh: answers every POST 204 and counts them (GET /count). Loopback only.
const http = require('http');
let received = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET') { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(String(received)); return; }
  req.on('data', () => {});
  req.on('end', () => { received++; res.writeHead(204); res.end(); });
});
server.listen(Number(process.argv[2]), '127.0.0.1');
