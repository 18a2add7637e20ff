// A registry of connected sockets, written by two listeners.
const { Server } = require('socket.io');
const io = new Server(3000);
const clients = new Set();
//    ^^^^^^^ shared-state: `clients` is shared by fluxions

io.on('connection', function onConnection(socket) {
  clients.add(socket);
//^^^^^^^^^^^^^^^^^^^ blocks-replication: `clients` outlives one event but is mutated in fluxion `onConnection`
  socket.on('message', function onMessage(msg) {
    for (const c of clients) c.emit('message', msg);
  });
  socket.on('disconnect', function onDisconnect() {
    clients.delete(socket);
//  ^^^^^^^^^^^^^^^^^^^^^^ blocks-replication: `clients` outlives one event but is mutated in fluxion `onDisconnect`
  });
});
