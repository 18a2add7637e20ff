// Start-up and shutdown events happen once: writes there are not per request.
const http = require('http');
const app = require('express')();
const server = http.createServer(app);
const state = { ready: false, shuttingDown: false, port: null };

server.once('listening', () => {
  state.port = server.address().port;
});
server.on('listening', () => {
  state.ready = true;
});
process.on('SIGTERM', () => {
  state.shuttingDown = true;
  server.close(() => process.exit(0));
});
app.get('/healthz', (req, res) => res.json(state));
server.listen(3000, () => {
  state.ready = true;
});
