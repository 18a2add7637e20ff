'use strict';

const express = require('express');

const router = express.Router();

// Resident memory sampled every second, last minute kept.
const samples = [];

setInterval(() => {
  samples.push(process.memoryUsage().rss);
  if (samples.length > 60) samples.shift();
}, 1000);

router.get('/', (req, res) => {
  const latest = samples[samples.length - 1] || 0;
  res.json({ rss: latest, history: samples.slice() });
});

module.exports = router;
