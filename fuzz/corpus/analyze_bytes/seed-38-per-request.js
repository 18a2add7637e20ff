// Objects made for one request, and the request itself, are not shared.
const app = require('express')();

app.use(function tag(req, res, next) {
  req.startedAt = Date.now();
  res.locals.user = req.headers['x-user'];
  next();
});

app.get('/items', async (req, res) => {
  const seen = new Set();
  const items = [];
  for (const id of req.query.ids.split(',')) {
    if (seen.has(id)) continue;
    seen.add(id);
    items.push(await fetchItem(id));
  }
  let total = 0;
  items.forEach((i) => { total += i.price; });
  res.json({ items, total });
});
