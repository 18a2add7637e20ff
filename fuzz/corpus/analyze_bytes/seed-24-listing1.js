// The paper's listing 1: a request counter kept in module scope.
var app = require('express')(),
    fs = require('fs'),
    count = 0;

app.get('/', function handler(req, res) {
  fs.readFile(__filename, function reply(err, data) {
    count += 1;
//  ^^^^^^^^^^ blocks-replication: `count` outlives one event but is written in fluxion `reply`, downstream of start point `app.get`
    res.send(err || template(count, data));
  });
});

app.listen(8080);
