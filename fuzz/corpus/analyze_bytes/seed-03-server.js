'use strict';

const http = require('http');
const express = require('express');
const { Server } = require('socket.io');
const config = require('./config');
const store = require('./store');
const messagesRouter = require('./routes/messages');
const statsRouter = require('./routes/stats');

const app = express();
const server = http.createServer(app);
const io = new Server(server, { cors: { origin: config.corsOrigin } });

// Room name → ids of the sockets in it.
const rooms = new Map();

app.use(express.json());
app.use('/messages', messagesRouter);
app.use('/stats', statsRouter);

io.on('connection', (socket) => {
  socket.on('join', (room) => {
    const members = rooms.get(room) || new Set();
    members.add(socket.id);
    rooms.set(room, members);
    socket.join(room);
    io.to(room).emit('presence', { room, count: members.size });
  });

  socket.on('message', async (room, text) => {
    const saved = await store.save({ room, text: String(text), at: Date.now() });
    io.to(room).emit('message', saved);
  });

  socket.on('disconnect', () => {
    for (const [room, members] of rooms) {
      members.delete(socket.id);
      if (members.size === 0) rooms.delete(room);
    }
  });
});

store.init().then(() => {
  server.listen(config.port, () => {
    console.log(`chat server listening on ${config.port}`);
  });
});
