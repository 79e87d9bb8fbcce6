//! `tidybench formats`: the input formats this build reads.

use tidybench::formats::REGISTRY;

/// Prints one line per known input format.
pub fn run() -> u8 {
    for format in REGISTRY {
        println!("{:<20} {}", format.name(), format.description());
    }
    super::EXIT_OK
}
