// An unknown callee whose function argument takes `err` first is a continuation.
const app = require('express')();
const legacy = require('some-legacy-client');
let lastResult = null;

app.get('/legacy', (req, res) => {
  legacy.fetchThing(req.query.id, function done(err, thing) {
    lastResult = thing;
//  ^^^^^^^^^^^^^^^^^^ blocks-replication: `lastResult` outlives one event but is written in fluxion `done`
    res.json(thing);
  });
});
