// Callees resolved through aliases and chained route builders.
var ex = require('express');
var app = ex();
var router = ex.Router();
const hits = {};
let last;
//  ^^^^ shared-state: `last` is shared by fluxions `addBook`, `anonymous@21`

app.route('/book')
  .get(function getBook(req, res) {
    hits.get = (hits.get || 0) + 1;
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ blocks-replication: `hits` outlives one event but is mutated in fluxion `getBook`, downstream of start point `app.route(…).get`
    res.end();
  })
  .post(function addBook(req, res) {
    last = req.body;
//  ^^^^^^^^^^^^^^^ blocks-replication: `last` outlives one event but is written in fluxion `addBook`
    res.end();
  });

router.get('/last', (req, res) => res.json(last));
app.use('/api', router);
