'use strict';

const { MongoClient } = require('mongodb');
const config = require('./config');

// Set once by init() before the server listens.
let db;

async function init() {
  const client = await MongoClient.connect(config.mongoUrl);
  db = client.db(config.dbName);
}

// Room titles never change: computed on first use, then reused.
const titles = new Map();

function roomTitle(name) {
  if (!titles.has(name)) titles.set(name, name.replace(/[-_]+/g, ' ').trim());
  return titles.get(name);
}

async function recent(room, limit) {
  return db.collection('messages').find({ room }).sort({ at: -1 }).limit(limit).toArray();
}

async function save(message) {
  const doc = { ...message, title: roomTitle(message.room) };
  await db.collection('messages').insertOne(doc);
  return doc;
}

module.exports = { init, recent, save, roomTitle };
