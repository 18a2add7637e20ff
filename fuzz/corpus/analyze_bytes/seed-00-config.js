'use strict';

// Read once at start-up; handlers only read it.
module.exports = Object.freeze({
  port: Number(process.env.PORT) || 3000,
  corsOrigin: process.env.CORS_ORIGIN || '*',
  mongoUrl: process.env.MONGO_URL || 'mongodb://localhost:27017',
  dbName: process.env.DB_NAME || 'chat',
  rateWindowMs: 60 * 1000,
  rateLimit: 30,
  maxPage: 200,
});
