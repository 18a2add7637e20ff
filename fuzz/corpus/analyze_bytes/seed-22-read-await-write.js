// Read before an await, written after it: two requests interleave.
const app = require('express')();
let balance = 100;
//  ^^^^^^^ shared-state: `balance` is shared by fluxions `withdraw`, `withdraw@await8`

app.post('/withdraw', async function withdraw(req, res) {
  const current = balance;
  await audit(req.body);
  balance = current - req.body.amount;
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ blocks-replication: `balance`
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ lost-update: `balance` is read in fluxion `withdraw` and written here, in `withdraw@await8`
  res.json({ balance });
});
