//! TODO
use super::Renderer;
use crate::analyze::Report;
use crate::error::Result;

/// r
pub struct Text;

impl Renderer for Text {
    fn render(&self, _report: &Report) -> Result<String> {
        Ok(String::new())
    }
}
