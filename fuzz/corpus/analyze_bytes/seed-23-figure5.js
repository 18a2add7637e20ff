// The paper's figure 5: `a` scope, `b` stream, `c` share.
var a = 0;
var c = 0;
//  ^ shared-state: `c` is shared by fluxions `add`, `end`: they must run in one group (grp_c)
get(function onReq(req) {
  var b = req.count;
  read(function add(v) {
    a += b + c + v;
//  ^^^^^^^^^^^^^^ blocks-replication: `a` outlives one event but is written in fluxion `add`, downstream of start point `get`
    update(a, function end(updt) {
      c = updt;
//    ^^^^^^^^ blocks-replication: `c` outlives one event but is written in fluxion `end`
//    ^^^^^^^^ lost-update: `c` is read in fluxion `add` and written here, in `end`
    });
  });
});
