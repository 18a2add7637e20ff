// A lazily opened connection and a get-or-compute cache: each replica keeps
// its own copy, which is usually what one wants.
const express = require('express');
const { MongoClient } = require('mongodb');

const app = express();
let db;
const profiles = new Map();

async function getDb() {
  if (!db) db = await MongoClient.connect(process.env.MONGO_URL);
//         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ process-local-cache: `db` is filled once per process
  return db;
}

app.get('/profile/:id', async (req, res) => {
  const conn = await getDb();
  if (!profiles.has(req.params.id)) {
    profiles.set(req.params.id, await conn.collection('users').findOne({ id: req.params.id }));
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ process-local-cache: `profiles`
  }
  res.json(profiles.get(req.params.id));
});
