'use strict';

const express = require('express');
const config = require('../config');
const store = require('../store');

const router = express.Router();

// Requests per client address in the current window.
const hits = {};
let messagesPosted = 0;

function rateLimit(req, res, next) {
  const now = Date.now();
  const entry = hits[req.ip];
  if (!entry || now - entry.start > config.rateWindowMs) {
    hits[req.ip] = { start: now, count: 1 };
    return next();
  }
  entry.count += 1;
  if (entry.count > config.rateLimit) {
    return res.status(429).json({ error: 'too many requests' });
  }
  return next();
}

router.use(rateLimit);

router.get('/:room', async (req, res) => {
  const limit = Math.min(Number(req.query.limit) || 50, config.maxPage);
  const messages = await store.recent(req.params.room, limit);
  res.json(messages);
});

router.post('/:room', async (req, res) => {
  const message = { room: req.params.room, text: String(req.body.text || ''), at: Date.now() };
  const saved = await store.save(message);
  messagesPosted += 1;
  res.status(201).json({ ...saved, total: messagesPosted });
});

module.exports = router;
