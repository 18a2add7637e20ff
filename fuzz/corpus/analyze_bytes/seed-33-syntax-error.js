// Code that does not parse is analysed as far as it parses.
const app = require('express')();
let count = 0;

app.get('/', (req, res) => {
  count++;
//^^^^^^^ blocks-replication: `count`
  res.send(String(count));
});

function broken( {
  return ;;
