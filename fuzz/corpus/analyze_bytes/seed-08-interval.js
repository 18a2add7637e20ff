// A repeating timer is a start rupture point: it runs once per tick, per replica.
const recent = [];
let ticks = 0;

  setInterval(() => {
//^^^^^^^^^^^ per-replica-job: `setInterval`: this repeating timer runs in every replica
    recent.length = 0;
//  ^^^^^^^^^^^^^^^^^ blocks-replication: `recent`
    ticks++;
//  ^^^^^^^ blocks-replication: `ticks`
  }, 60000);

module.exports = { recent };
