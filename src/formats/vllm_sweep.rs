//! `vllm bench sweep serve` summaries. A sweep writes
//! `<output dir>/<experiment>/<combination>/run=N.json` (read by
//! [`vllm_bench_json`](super::vllm_bench_json)), beside them `summary.json` — a JSON list of
//! the same runs, read here, each element one run labelled like its `run=N.json` — and
//! `summary.csv` at the experiment's root (the same rows again, not read: a listed skip). Both
//! files of a run give it the same
//! [`RESULT_ID_LABEL`](super::vllm_bench_json::RESULT_ID_LABEL), and the run is kept once, from
//! `run=N.json` (see `reconcile`). Element `i` of the list is `$[i]` in warnings and origins.

use serde_json::Value;

use super::vllm_bench_json::{json_text, looks_like_result, run_of};
use super::{Format, ParseOptions, Parsed, Warning};
use crate::error::{Error, Result};
use crate::ingest::Blob;

/// The `vllm bench sweep` `summary.json` format.
pub struct VllmSweepSummary;

/// Name stored in `runs.source_format`.
pub const NAME: &str = "vllm-sweep-summary";

impl Format for VllmSweepSummary {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "vllm bench sweep serve summary.json (a JSON list of --save-result objects)"
    }

    fn sniff(&self, head: &str) -> Option<String> {
        let list_of_objects = head
            .trim_start()
            .strip_prefix('[')
            .is_some_and(|rest| rest.trim_start().starts_with('{'));
        (list_of_objects && looks_like_result(head))
            .then(|| "a JSON list of objects with `model_id` and vLLM's result keys".into())
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        self.parse_with(blob, &ParseOptions::default())
    }

    fn parse_with(&self, blob: &Blob, options: &ParseOptions) -> Result<Parsed> {
        let error = |line: usize, found: String| Error::Parse {
            path: blob.path.clone(),
            line,
            expected: "a JSON list of vllm bench results ($)".into(),
            found,
        };
        let mut warnings = Vec::new();
        let value: Value = serde_json::from_str(&json_text(blob, &mut warnings))
            .map_err(|e| error(e.line(), e.to_string()))?;
        let Value::Array(list) = value else {
            return Err(error(1, "something else at $".into()));
        };
        let mut runs = Vec::new();
        for (i, element) in list.iter().enumerate() {
            let path = format!("$[{i}]");
            let Value::Object(result) = element else {
                warnings.push(Warning {
                    path: blob.path.clone(),
                    line: None,
                    message: format!("{path} is not a JSON object; not read"),
                });
                continue;
            };
            let results = [(path, result)];
            runs.extend(run_of(blob, NAME, i, &results, options, &mut warnings));
        }
        Ok(Parsed { runs, warnings })
    }
}
