// Handlers registered here are defined in handlers.js: the two files form one run.
const express = require('express');
const { hit, stats } = require('./handlers');

const app = express();
app.get('/hit', hit);
app.get('/stats', stats);
app.listen(3000);
