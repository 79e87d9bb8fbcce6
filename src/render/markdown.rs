//! TODO
use super::Renderer;
use crate::analyze::Report;
use crate::error::Result;

/// r
pub struct Markdown;

impl Renderer for Markdown {
    fn render(&self, _report: &Report) -> Result<String> {
        Ok(String::new())
    }
}
