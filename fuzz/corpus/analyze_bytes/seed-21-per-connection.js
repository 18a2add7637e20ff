// Per-connection state is not blocking, but concurrent messages on one
// connection can still lose an update.
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ port: 8080 });

wss.on('connection', function onConnection(ws) {
  let score = 0;
//    ^^^^^ shared-state: `score` is shared by fluxions
  ws.on('message', async function onMessage(answer) {
    const before = score;
    const ok = await check(answer);
    score = before + (ok ? 1 : 0);
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ lost-update: `score` is read in fluxion `onMessage`
    ws.send(String(score));
  });
});
