"""Reports: renderings of a confusion matrix for people (text) and programs (JSON)."""

from __future__ import annotations

from confmat.report.text import render_json, render_text

__all__ = ["render_json", "render_text"]
