const express = require('express');
const routes = require('./routes');

const app = express();
Object.entries(routes).forEach(([path, handler]) => app.get(path, handler));
app.listen(3000);
