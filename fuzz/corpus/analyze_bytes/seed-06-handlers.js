let hits = 0;
//  ^^^^ shared-state: `hits` is shared by fluxions `hit`, `stats`

exports.hit = function hit(req, res) {
  hits++;
//^^^^^^ blocks-replication: `hits` outlives one event but is written in fluxion `hit`, downstream of start point `app.get`
  res.sendStatus(204);
};

exports.stats = (req, res) => res.json({ hits });
