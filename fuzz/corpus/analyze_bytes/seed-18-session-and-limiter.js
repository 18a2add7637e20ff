// Middleware whose library keeps its state in this process by default.
const express = require('express');
const session = require('express-session');
const rateLimit = require('express-rate-limit');
const RedisStore = require('connect-redis').default;

const app = express();
const limiter = rateLimit({ windowMs: 60000, limit: 100 });

  app.use(session({ secret: process.env.SECRET, resave: false }));
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ blocks-replication: mounted on start point `app.use`: express-session without `store` keeps sessions in a MemoryStore
  app.use('/api', limiter);
//^^^^^^^^^^^^^^^^^^^^^^^^ blocks-replication: mounted on start point `app.use`: express-rate-limit without `store` counts hits in a MemoryStore

// With a shared store: nothing to report.
app.use('/admin', session({ secret: 's', store: new RedisStore({ client: redisClient }) }));
app.listen(3000);
