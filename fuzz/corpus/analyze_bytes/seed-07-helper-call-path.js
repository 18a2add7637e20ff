// A write in a helper counts in every fluxion that calls it.
const app = require('express')();
const sessions = {};

function remember(id, user) {
  sessions[id] = user;
//^^^^^^^^^^^^^^^^^^^ blocks-replication: `sessions` outlives one event but is mutated in fluxion `login`
}

app.post('/login', function login(req, res) {
  remember(req.body.id, req.body.user);
  res.end();
});
