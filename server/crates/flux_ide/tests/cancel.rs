//! A change cancels an analysis in flight: the core calls salsa's
//! cancellation check at its checkpoints, so the reader unwinds and the
//! writer (the server applying a newer edit) does not wait for the end of
//! an outdated analysis of a huge file.

use std::sync::Arc;
use std::time::Duration;

use flux_ide::{findings, Analysis, AnalysisHost};

const PATH: &str = "/p/huge.js";

/// Many handlers writing module state: a long analysis in a debug build.
fn huge() -> String {
    let mut text = String::from("const app = require('express')();\nlet n = 0;\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "app.get('/r{i}', (req, res) => {{ n += {i}; res.send('' + n); }});\n"
        ));
    }
    text
}

#[test]
fn a_change_cancels_the_running_analysis_of_a_huge_file() {
    let mut host = AnalysisHost::new();
    host.set_file(PATH, Arc::from(huge()), None);
    let analysis = host.analysis();
    let reader = std::thread::spawn(move || {
        analysis.with_db(|db| findings(db, Analysis::file(db, PATH).unwrap()).len())
    });
    // Wait until the analysis runs (its query is logged when it starts).
    while !host
        .query_log()
        .iter()
        .any(|(q, p)| *q == "run_analysis" && p == PATH)
    {
        assert!(
            !reader.is_finished(),
            "the reader ended before the analysis started"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    // The write waits only until the reader unwinds at its next checkpoint.
    host.set_file(PATH, Arc::from("let m = 0;\n"), None);
    let outcome = reader.join().expect("no panic");
    assert!(
        outcome.is_err(),
        "the outdated analysis ran to its end: {outcome:?}"
    );
    // The new text is analysed as usual.
    let n = host
        .analysis()
        .with_db(|db| findings(db, Analysis::file(db, PATH).unwrap()).len())
        .expect("not cancelled");
    assert_eq!(n, 0);
}
