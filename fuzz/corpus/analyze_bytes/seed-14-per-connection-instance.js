// An object made for one connection holds per-connection state: not blocking.
const net = require('net');

class Session {
  constructor(socket) {
    this.socket = socket;
    this.buffer = [];
    this.bytes = 0;
    socket.on('data', (chunk) => this.receive(chunk));
  }

  receive(chunk) {
    this.buffer.push(chunk);
    this.bytes += chunk.length;
  }
}

net.createServer((socket) => new Session(socket)).listen(9000);
