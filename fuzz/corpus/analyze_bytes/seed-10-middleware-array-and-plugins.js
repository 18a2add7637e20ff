// Handlers in middleware arrays, fastify plugins and hapi route lists.
const fastify = require('fastify')();
const Hapi = require('@hapi/hapi');
const app = require('express')();

const seen = [];
//    ^^^^ shared-state: `seen` is shared by fluxions `audit`, `routeA`
let plugins = 0;
let lastRoute;
//  ^^^^^^^^^ shared-state: `lastRoute` is shared by fluxions `ping`, `routeB`

function audit(req, res, next) {
  seen.push(req.url);
//^^^^^^^^^^^^^^^^^^ blocks-replication: `seen` outlives one event but is mutated in fluxion `audit`
  next();
}
app.use([audit, (req, res, next) => next()]);

fastify.register(async (instance) => {
  plugins += 1;
  instance.get('/ping', async function ping() {
    lastRoute = '/ping';
//  ^^^^^^^^^^^^^^^^^^^ blocks-replication: `lastRoute` outlives one event but is written in fluxion `ping`
    return 'pong';
  });
});

const server = Hapi.server({ port: 4000 });
server.route([
  { method: 'GET', path: '/a', handler: function routeA() { return seen.length; } },
  { method: 'GET', path: '/b', handler: function routeB() { lastRoute = '/b'; return 'b'; } },
//                                                          ^^^^^^^^^^^^^^^^ blocks-replication: `lastRoute` outlives one event but is written in fluxion `routeB`
]);
