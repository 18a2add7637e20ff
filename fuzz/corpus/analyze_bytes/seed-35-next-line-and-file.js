// Suppressions with a reason silence exactly what they name.
const app = require('express')();
let visits = 0;
const log = [];

app.get('/', (req, res) => {
  // flux-ignore-next-line blocks-replication: an approximate per-replica count is fine here
  visits++;
  log.push(req.url);
//^^^^^^^^^^^^^^^^^ blocks-replication: `log`
  res.end(String(visits));
});
