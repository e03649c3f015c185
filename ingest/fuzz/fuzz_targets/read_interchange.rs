//! Arbitrary bytes through the reader. The property checked is the crate's first invariant: no input
//! makes the reader panic (or loop, which libFuzzer reports as a timeout).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Errors are fine (not EDIFACT at all); panics are the bugs this target looks for.
    if let Ok(transmission) = ingest::syntax::parse(data) {
        for message in transmission.messages() {
            let _ = message.body().len();
        }
    }
});
