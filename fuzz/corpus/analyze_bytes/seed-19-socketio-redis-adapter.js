// With a shared adapter, rooms are cluster-wide.
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');

const io = new Server(3000);
io.adapter(createAdapter(pubClient, subClient));

io.on('connection', (socket) => {
  socket.on('join', (room) => {
    socket.join(room);
    io.to(room).emit('joined', socket.id);
  });
});
