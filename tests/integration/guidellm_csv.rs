//! GuideLLM CSV reports that are cut, re-encoded or damaged: what is whole is read, the rest is
//! named with its line (and column). Each input is derived from a real 0.7.4 CSV report.

use crate::common;

use common::{parse_bytes, repo};

const CSV: &str = "tests/fixtures/guidellm/0.7.4/concurrent/benchmarks.csv";

fn original() -> Vec<u8> {
    std::fs::read(repo(CSV)).unwrap()
}

fn messages(parsed: &tidybench::formats::Parsed) -> Vec<String> {
    parsed.warnings.iter().map(|w| w.to_string()).collect()
}

#[test]
fn the_real_report_is_read_without_a_warning() {
    let parsed = parse_bytes("r.csv", original()).unwrap();
    assert_eq!(messages(&parsed), Vec::<String>::new());
    let points = &parsed.runs[0].load_points;
    assert_eq!(
        points
            .iter()
            .map(|p| (p.strategy.as_str(), p.load))
            .collect::<Vec<_>>(),
        [("concurrent", Some(5.0)), ("concurrent", Some(25.0))]
    );
    assert_eq!(points[0].observations.len(), 665);
    assert_eq!(points[1].observations.len(), 665);
}

#[test]
fn a_row_cut_mid_cell_is_left_out_and_named() {
    let bytes = original();
    // Cut in the middle of the last row, inside a number.
    let last_row = bytes[..bytes.len() - 2]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    let parsed = parse_bytes("cut.csv", bytes[..last_row + 900].to_vec()).unwrap();
    assert_eq!(
        messages(&parsed),
        ["cut.csv:5: the last row has no line end (the file is cut); it is not read"]
    );
    assert_eq!(parsed.runs[0].load_points.len(), 1);
}

#[test]
fn only_part_of_the_header_is_an_error_naming_the_line() {
    let text = String::from_utf8(original()).unwrap();
    let two_lines: String = text.split_inclusive('\n').take(2).collect();
    let error = parse_bytes("head.csv", two_lines.into_bytes()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "head.csv:3: expected 3 header rows of a GuideLLM CSV report, found end of file"
    );
}

#[test]
fn lf_line_ends_read_the_same_as_crlf() {
    let crlf = parse_bytes("a.csv", original()).unwrap();
    let text = String::from_utf8(original()).unwrap();
    assert!(text.contains("\r\n"), "GuideLLM writes CRLF");
    let lf = parse_bytes("a.csv", text.replace("\r\n", "\n").into_bytes()).unwrap();
    assert_eq!(
        crlf.runs[0].load_points[1].observations,
        lf.runs[0].load_points[1].observations
    );
}

#[test]
fn a_damaged_cell_is_named_and_the_rest_of_the_row_read() {
    let text = String::from_utf8(original()).unwrap();
    // Column 24 is `Request Latency / Successful Sec / Mean`, written with a thousands
    // separator (a no-break space) by some spreadsheet.
    let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
    assert!(lines[3].contains(",1.4196982913547092,"));
    lines[3] = lines[3].replacen(",1.4196982913547092,", ",1\u{a0}419.69,", 1);
    let bytes = lines.concat().into_bytes();
    let parsed = parse_bytes("bad.csv", bytes).unwrap();
    assert_eq!(
        messages(&parsed),
        ["bad.csv:4: column 24: expected a number, found \"1\\u{a0}419.69\"; not read"]
    );
    assert_eq!(parsed.runs[0].load_points[0].observations.len(), 664);
}

#[test]
fn invalid_utf8_is_replaced_and_named() {
    let mut bytes = original();
    let at = bytes.windows(6).position(|w| w == b"Run ID").unwrap();
    bytes[at] = 0xff;
    let parsed = parse_bytes("latin.csv", bytes).unwrap();
    assert_eq!(
        messages(&parsed),
        ["latin.csv:2: invalid UTF-8 (replaced by U+FFFD from here on where it occurs)"]
    );
    assert_eq!(parsed.runs[0].load_points.len(), 2);
}
