// server.on('request') is a start point; 'listening' happens once.
import { createServer } from 'node:http';

const server = createServer();
const inflight = new Set();
//    ^^^^^^^^ shared-state: `inflight` is shared by fluxions `onRequest`, `anonymous@12`
let port;

server.on('request', function onRequest(req, res) {
  inflight.add(req);
//^^^^^^^^^^^^^^^^^ blocks-replication: `inflight` outlives one event but is mutated in fluxion `onRequest`, downstream of start point `server.on`
  res.on('finish', () => inflight.delete(req));
//                       ^^^^^^^^^^^^^^^^^^^^ blocks-replication: `inflight` outlives one event but is mutated in fluxion `anonymous@12`
  res.end();
});

server.on('listening', () => {
  port = server.address().port;
});
server.listen(0);
