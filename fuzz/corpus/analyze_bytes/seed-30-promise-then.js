// .then callbacks are continuations of the handler that calls them.
const app = require('express')();
const seen = [];

app.get('/user', (req, res) => {
  lookup(req.query.name)
    .then((user) => {
      seen.push(user.id);
//    ^^^^^^^^^^^^^^^^^^ blocks-replication: `seen` outlives one event but is mutated in fluxion `anonymous@7`
      res.json(user);
    })
    .catch((err) => res.status(500).end(err.message));
});
