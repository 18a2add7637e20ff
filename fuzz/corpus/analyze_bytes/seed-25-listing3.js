// The paper's listing 3 (gifsockets-server, simplified).
var express = require('express'),
    app = express(),
    routes = require('gifsockets-middleware'),
    getRawBody = require('raw-body');

function bodyParser(limit) {
  return function saveBody(req, res, next) {
    getRawBody(req, {
      expected: req.headers['content-length'],
      limit: limit
    }, function (err, buffer) {
      req.body = buffer;
//    ^^^^^^^^^^^^^^^^^ upstream-mutation: `req` comes from upstream fluxion `saveBody`
      next();
    });
  };
}

app.post('/image/text', bodyParser(1 * 1024 * 1024),
    routes.writeTextToImages);
//  ^^^^^^^^^^^^^^^^^^^^^^^^ unresolved-callback: `routes.writeTextToImages` of start point `app.post`
app.listen(8000);
