//! Arbitrary bytes through the full reader (syntax layer, then each message's reader, then the CONTRL
//! we would answer with). The property checked is the crate's first invariant: no input makes the
//! reader panic (or loop, which libFuzzer reports as a timeout).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    // Errors are fine (not EDIFACT at all, truncated ...); panics are the bugs this target looks for.
    let reading = match ingest::reading::read(data, today) {
        Ok(reading) => reading,
        Err(error) => match error.partial() {
            Some(partial) => partial.clone(),
            None => return,
        },
    };
    for interchange in &reading.transmission.interchanges {
        let report = ingest::write::contrl::ReceiptReport::from_interchange(interchange);
        let _ = report.action();
    }
});
