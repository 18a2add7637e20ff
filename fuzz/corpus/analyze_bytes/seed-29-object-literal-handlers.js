// Handlers held by an object literal, and the `node:` prefix.
const http = require('node:http');
let served = 0;

const handlers = {
  root(req, res) {
    served++;
//  ^^^^^^^^ blocks-replication: `served` outlives one event but is written in fluxion `root`, downstream of start point `http.createServer`
    res.end('ok');
  },
};

http.createServer(handlers.root).listen(8080);
