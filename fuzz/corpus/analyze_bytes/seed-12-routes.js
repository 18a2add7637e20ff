// An exported route table: its handlers are registered by app.js.
const visits = new Map();

module.exports = {
  '/visit': function visit(req, res) {
    visits.set(req.ip, (visits.get(req.ip) || 0) + 1);
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ blocks-replication: `visits` outlives one event but is mutated in fluxion `visit`, downstream of start point `app.get`
    res.end();
  },
  '/health': (req, res) => res.end('ok'),
};
