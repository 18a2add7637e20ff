// A suppression that suppresses nothing is reported, so suppressions do not rot.
const app = require('express')();
const config = { greeting: 'hi' };

app.get('/', (req, res) => {
  // flux-ignore-next-line blocks-replication: nothing to silence here any more
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression: this suppression is unused: there is no `blocks-replication` on the next line
  res.send(config.greeting);
});

  // flux-ignore-file blocks-replicaton: typo
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression: unknown finding code `blocks-replicaton`
