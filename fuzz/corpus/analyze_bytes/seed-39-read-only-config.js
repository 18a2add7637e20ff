// Configuration that handlers only read is replicated with the code.
const express = require('express');
const config = { greeting: 'hello', limits: { body: '1mb' } };
const GREETING = config.greeting.toUpperCase();
const app = express();

app.get('/', (req, res) => {
  res.send(`${GREETING} ${config.limits.body}`);
});
app.listen(3000);
