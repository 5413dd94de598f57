"""Documents: plan PDF/XLSX, execution report, analysis report."""
