// A game server without presence/driver, and a cron job that every replica runs.
const colyseus = require('colyseus');
const cron = require('node-cron');

const gameServer = new colyseus.Server({ presence: new colyseus.RedisPresence() });
//                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ blocks-replication: colyseus without `driver` uses LocalDriver

  cron.schedule('0 * * * *', () => sendDigestEmails());
//^^^^^^^^^^^^^ per-replica-job: `cron.schedule`: this scheduled job runs in every replica
gameServer.listen(2567);
