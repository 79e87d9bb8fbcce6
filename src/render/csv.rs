//! TODO
use super::Renderer;
use crate::analyze::Report;
use crate::error::Result;

/// r
pub struct Csv;

impl Renderer for Csv {
    fn render(&self, _report: &Report) -> Result<String> {
        Ok(String::new())
    }
}
