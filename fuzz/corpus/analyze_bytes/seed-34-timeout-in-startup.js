// One-off timers and start-up continuations run once per process: not per request.
const app = require('express')();
let warm = false;
const preloaded = [];

setTimeout(() => {
  warm = true;
}, 1000);

require('fs').readFile('seed.json', 'utf8', (err, text) => {
  if (!err) preloaded.push(...JSON.parse(text));
});

app.get('/', (req, res) => res.json({ warm, preloaded }));
