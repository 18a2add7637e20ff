// State held by a long-lived server object whose methods are listeners.
const { WebSocketServer } = require('ws');

class Hub {
  clients = new Map();
//^^^^^^^ shared-state: `this.clients` is shared by fluxions

  constructor(port) {
    this.wss = new WebSocketServer({ port });
    this.wss.on('connection', this.onConnection.bind(this));
    this.started = Date.now();
  }

  onConnection(ws, req) {
    const id = req.headers['sec-websocket-key'];
    this.clients.set(id, ws);
//  ^^^^^^^^^^^^^^^^^^^^^^^^ blocks-replication: `this.clients` outlives one event but is mutated in fluxion `onConnection`, downstream of start point `this.wss.on`
    ws.on('close', () => this.forget(id));
  }

  forget(id) {
    this.clients.delete(id);
//  ^^^^^^^^^^^^^^^^^^^^^^^ blocks-replication: `this.clients` outlives one event but is mutated in fluxion `anonymous@18`
  }
}

module.exports = new Hub(8080);
