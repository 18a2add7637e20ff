// Writes through an alias count against the aliased state; copies do not.
const express = require('express');

class Relay {
  constructor(config) {
    this.config = config;
    this.app = express();
    this.app.post('/relay/:i', (req, res) => this.update(req));
  }

  update(req) {
    const conf = this.config.relay.tasks[req.params.i];
    conf.port = req.body.port;
//  ^^^^^^^^^^^^^^^^^^^^^^^^^ blocks-replication: `this.config` outlives one event but is mutated in fluxion `anonymous@8`
    const task = { ...this.config.defaults };
    task.port = req.body.port;
    const copy = structuredClone(this.config.limits);
    copy.max = 1;
  }
}

module.exports = new Relay(require('./config.json'));
