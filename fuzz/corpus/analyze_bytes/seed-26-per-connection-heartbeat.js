// A 'connection' handler owns per-connection state: the 'pong' listener it
// registers writes `alive`, which lives and dies with that connection: no
// blocks-replication; the listeners of one connection share it (one group).
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ port: 8080 });

wss.on('connection', function onConnection(ws) {
  let alive = true;
//    ^^^^^ shared-state: `alive` is shared by fluxions `anonymous@12`, `anonymous@16`
  let missed = 0;
//    ^^^^^^ shared-state: `missed` is shared by fluxions `anonymous@12`, `anonymous@16`
  ws.on('pong', () => {
    alive = true;
    missed = 0;
  });
  const timer = setInterval(() => {
    if (!alive) { missed += 1; return ws.terminate(); }
    alive = false;
    ws.ping();
  }, 30000);
  ws.on('close', () => clearInterval(timer));
});
