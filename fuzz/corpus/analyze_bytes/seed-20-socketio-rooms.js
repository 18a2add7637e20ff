// socket.io's default adapter keeps rooms in this process: only reported when rooms are used.
const { Server } = require('socket.io');

const io = new Server(3000);
//         ^^^^^^^^^^^^^^^^ blocks-replication: socket.io uses its in-memory adapter

io.on('connection', (socket) => {
  socket.on('join', (room) => {
    socket.join(room);
    io.to(room).emit('joined', socket.id);
  });
});
