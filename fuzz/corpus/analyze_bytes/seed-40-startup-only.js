// State mutated only during start-up (top level and start-up continuations).
const app = require('express')();
const routes = [];
const settings = {};
routes.push('/health');
settings.mode = process.env.NODE_ENV || 'development';

loadPlugins().then((plugins) => {
  routes.push(...plugins.map((p) => p.route));
});

app.listen(3000, () => {
  settings.listening = true;
});

app.get('/routes', (req, res) => res.json({ routes, mode: settings.mode }));
