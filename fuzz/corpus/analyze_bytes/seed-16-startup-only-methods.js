// Fields written only while the object is set up are configuration.
const express = require('express');

class App {
  constructor(options) {
    this.options = { ...options };
    this.routes = [];
    this.app = express();
  }

  route(path, handler) {
    this.routes.push(path);
    this.app.get(path, handler);
//                     ^^^^^^^ unresolved-callback: the callback `handler` of start point `this.app.get`
    return this;
  }

  listen() {
    this.app.get('/routes', (req, res) => res.json(this.routes));
    return this.app.listen(this.options.port);
  }
}

new App({ port: 3000 }).route('/health', (req, res) => res.end('ok')).listen();
